using MeshRpc.Hosting;

namespace MeshRpc.NodeAgent.Forge;

/// <summary>The command line that starts a worker host: the running .NET muxer plus the host assembly shipped with the agent.</summary>
public static class WorkerHostCommand
{
    /// <summary>The folder the worker host runs from: <c>workerhost/</c> in the agent's output, with its own dependencies.</summary>
    public static string HostDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "workerhost");

    /// <summary>The worker host assembly.</summary>
    public static string HostAssembly { get; } = Path.Combine(HostDirectory, "MeshRpc.WorkerHost.dll");

    /// <summary>
    /// The full command. A pooled host warms up while it waits for its code; a TLS host makes its certificate from its
    /// first instruction on, which is why TLS is on the command line and not in the start-up configuration it reads later.
    /// </summary>
    public static IReadOnlyList<string> Create(bool tls, bool pooled = false) =>
        [DotnetMuxer.Path, HostAssembly, .. Flags(tls, pooled)];

    /// <summary>The command of a gem's native host (its path inside the sandbox), which takes the same flags.</summary>
    public static IReadOnlyList<string> Native(string executable, bool tls) => [executable, .. Flags(tls, pooled: false)];

    private static string[] Flags(bool tls, bool pooled) => [.. tls ? (string[])["--tls"] : [], .. pooled ? (string[])["--pooled"] : []];
}
