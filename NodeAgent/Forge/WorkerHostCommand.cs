using MeshRpc.Hosting;

namespace MeshRpc.NodeAgent.Forge;

/// <summary>The command line that starts a worker host: the running .NET muxer plus the host assembly shipped beside the agent.</summary>
public static class WorkerHostCommand
{
    /// <summary>The worker host assembly, shipped in the agent's output folder.</summary>
    public static string HostAssembly { get; } = Path.Combine(AppContext.BaseDirectory, "MeshRpc.WorkerHost.dll");

    /// <summary>The folder the worker host runs from.</summary>
    public static string HostDirectory { get; } = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);

    /// <summary>
    /// The full command. A pooled host warms up while it waits for its code; a TLS host makes its certificate from its
    /// first instruction on, which is why TLS is on the command line and not in the start-up configuration it reads later.
    /// </summary>
    public static IReadOnlyList<string> Create(bool tls, bool pooled = false) =>
        [DotnetMuxer.Path, HostAssembly, .. tls ? (string[])["--tls"] : [], .. pooled ? (string[])["--pooled"] : []];
}
