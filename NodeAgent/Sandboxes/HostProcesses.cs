namespace MeshRpc.NodeAgent.Sandboxes;

/// <summary>Maps a process id seen inside a PID namespace to its id on the host, using /proc.</summary>
internal static class HostProcesses
{
    /// <summary>
    /// The host pid of the descendant of <paramref name="rootPid"/> (or the root itself) whose innermost pid is
    /// <paramref name="namespacePid"/>. Walks only the sandbox's own process tree, not all of /proc.
    /// </summary>
    public static int? Find(int rootPid, int namespacePid)
    {
        var pending = new Queue<int>([rootPid]);
        var seen = new HashSet<int>();
        while (pending.TryDequeue(out var pid))
        {
            if (!seen.Add(pid))
            {
                continue;
            }

            if (InnermostPid(pid) == namespacePid)
            {
                return pid;
            }

            foreach (var child in Children(pid))
            {
                pending.Enqueue(child);
            }
        }

        return null;
    }

    private static int? InnermostPid(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("NSpid:", StringComparison.Ordinal));
            var ids = line?[6..].Split('\t', ' ', StringSplitOptions.RemoveEmptyEntries);
            return ids is { Length: > 0 } ? int.Parse(ids[^1], System.Globalization.CultureInfo.InvariantCulture) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The process exited while we looked.
            return null;
        }
    }

    private static IEnumerable<int> Children(int pid)
    {
        string[] tasks;
        try
        {
            tasks = Directory.GetDirectories($"/proc/{pid}/task");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            yield break;
        }

        foreach (var task in tasks)
        {
            string children;
            try
            {
                children = File.ReadAllText(Path.Combine(task, "children"));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var child in children.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                yield return int.Parse(child, System.Globalization.CultureInfo.InvariantCulture);
            }
        }
    }
}
