namespace MeshRpc.NodeAgent.Sandboxes;

/// <summary>A sandbox's processes as the host sees them, from /proc: ids across PID namespaces, and whether they still run.</summary>
internal static class HostProcesses
{
    /// <summary>
    /// The host pid of the descendant of <paramref name="rootPid"/> (or the root itself) whose innermost pid is
    /// <paramref name="namespacePid"/>. Walks only the sandbox's own process tree, not all of /proc.
    /// </summary>
    public static int? Find(int rootPid, int namespacePid)
    {
        foreach (var pid in Tree(rootPid))
        {
            if (InnermostPid(pid) == namespacePid)
            {
                return pid;
            }
        }

        return null;
    }

    /// <summary>The root and all its descendants, breadth first, as /proc shows them now.</summary>
    public static IEnumerable<int> Tree(int rootPid)
    {
        var pending = new Queue<int>([rootPid]);
        var seen = new HashSet<int>();
        while (pending.TryDequeue(out var pid))
        {
            if (!seen.Add(pid))
            {
                continue;
            }

            yield return pid;
            foreach (var child in Children(pid))
            {
                pending.Enqueue(child);
            }
        }
    }

    /// <summary>Waits until none of <paramref name="pids"/> runs any more (gone, or a zombie awaiting its reaper), or the timeout passes.</summary>
    public static async Task WaitUntilEndedAsync(IReadOnlyCollection<int> pids, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (pids.Any(IsRunning) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            var state = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("State:", StringComparison.Ordinal));
            return state is not null && !state.Contains("(zombie)", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
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
