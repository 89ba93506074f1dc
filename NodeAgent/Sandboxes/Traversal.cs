namespace MeshRpc.NodeAgent.Sandboxes;

/// <summary>
/// Lets unprivileged sandboxes reach the agent's folders: a worker's root maps to an unprivileged uid on the node, and
/// LXC and bubblewrap mount the gem cache and trust bundle as that uid, so every folder on the way must be searchable.
/// </summary>
public static class Traversal
{
    /// <summary>
    /// Adds search permission for others (<c>o+x</c>: entering, never listing or reading) to <paramref name="directory"/>
    /// and each of its ancestors that lacks it; returns the folders changed.
    /// </summary>
    public static IReadOnlyList<string> Grant(string directory)
    {
        var changed = new List<string>();
        if (OperatingSystem.IsWindows())
        {
            return changed;
        }

        for (var current = new DirectoryInfo(Path.GetFullPath(directory)); current is not null; current = current.Parent)
        {
            var mode = File.GetUnixFileMode(current.FullName);
            if (!mode.HasFlag(UnixFileMode.OtherExecute))
            {
                File.SetUnixFileMode(current.FullName, mode | UnixFileMode.OtherExecute);
                changed.Add(current.FullName);
            }
        }

        return changed;
    }
}
