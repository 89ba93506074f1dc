using MeshRpc.Hosting;

namespace MeshRpc.NodeAgent.Sandboxes;

/// <summary>
/// What of the node's file system a worker's sandbox shows, besides its own scratch <c>/tmp</c> and the folders the
/// agent mounts for it: <c>/usr</c> and <c>/etc</c> read-only, the node's top-level links into them (<c>/bin</c> to
/// <c>usr/bin</c> on merged-/usr systems), and the .NET runtime's folder when it lies elsewhere. Nothing else: no
/// <c>/run</c> and the sockets in it, no <c>/home</c>, <c>/root</c>, <c>/var</c>, <c>/opt</c> or <c>/mnt</c>.
/// </summary>
/// <remarks>
/// Showing the whole root read-only would also copy every mount below it into the sandbox, and an unprivileged
/// container cannot do that for some (a network namespace's <c>/run/netns/*</c>): workers would fail to start while
/// one exists.
/// </remarks>
public static class WorkerRoot
{
    private static readonly string[] TopLevel = ["usr", "etc", "bin", "sbin", "lib", "lib32", "lib64", "libx32"];

    /// <summary>Node folders shown read-only at the same path.</summary>
    public static IReadOnlyList<string> SharedFolders { get; }

    /// <summary>Top-level symbolic links recreated as they are on the node (path, target).</summary>
    public static IReadOnlyList<(string Path, string Target)> Links { get; }

    static WorkerRoot()
    {
        var folders = new List<string>();
        var links = new List<(string, string)>();
        foreach (var name in TopLevel)
        {
            var info = new DirectoryInfo("/" + name);
            if (info.LinkTarget is { } target)
            {
                links.Add((info.FullName, target));
            }
            else if (info.Exists)
            {
                folders.Add(info.FullName);
            }
        }

        var runtime = Path.GetDirectoryName(new FileInfo(DotnetMuxer.Path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? DotnetMuxer.Path)!;
        if (!folders.Any(folder => runtime.StartsWith(folder + "/", StringComparison.Ordinal)))
        {
            folders.Add(runtime);
        }

        SharedFolders = folders;
        Links = links;
    }
}
