namespace MeshRpc.NodeAgent.Sandboxes;

/// <summary>Maps a process id seen inside a PID namespace to its id on the host, using /proc.</summary>
internal static class HostProcesses
{
    /// <summary>The host pid of the descendant of <paramref name="rootPid"/> whose innermost pid is <paramref name="namespacePid"/>.</summary>
    public static int? Find(int rootPid, int namespacePid)
    {
        var parents = new Dictionary<int, int>();
        var candidates = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || !TryReadStatus(pid, out var parent, out var innermost))
            {
                continue;
            }

            parents[pid] = parent;
            if (innermost == namespacePid)
            {
                candidates.Add(pid);
            }
        }

        return candidates.Cast<int?>().FirstOrDefault(pid => DescendsFrom(pid!.Value, rootPid, parents));
    }

    private static bool DescendsFrom(int pid, int ancestor, Dictionary<int, int> parents)
    {
        for (var current = pid; current > 1; current = parents.GetValueOrDefault(current))
        {
            if (current == ancestor)
            {
                return true;
            }
        }

        return false;
    }

    private static bool TryReadStatus(int pid, out int parent, out int innermostPid)
    {
        parent = 0;
        innermostPid = 0;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("PPid:", StringComparison.Ordinal))
                {
                    parent = int.Parse(line.AsSpan(5).Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("NSpid:", StringComparison.Ordinal))
                {
                    var ids = line[6..].Split('\t', ' ', StringSplitOptions.RemoveEmptyEntries);
                    innermostPid = int.Parse(ids[^1], System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            return true;
        }
        catch (IOException)
        {
            // The process exited while we looked.
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
