using MeshRpc.Hosting;

namespace MeshRpc.NodeAgent.Forge;

/// <summary>
/// The command line that starts a worker host: the running .NET muxer plus the host assembly shipped with the agent.
/// The host is self-contained (its own runtime, precompiled with it); the muxer only starts it, and tells a compiler
/// host where the .NET install, whose reference packs hold System.Text.Json's generator, lies.
/// </summary>
public static class WorkerHostCommand
{
    /// <summary>
    /// The folder sandboxes see read-only at the same path: the agent's output, whose <c>workerhost/</c> holds the host.
    /// Binding the whole output (not just <c>workerhost/</c>) keeps the path's parents read-only inside the sandbox too.
    /// </summary>
    public static string HostDirectory { get; } = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);

    /// <summary>The worker host assembly, with its own dependencies beside it in <c>workerhost/</c>.</summary>
    public static string HostAssembly { get; } = Path.Combine(HostDirectory, "workerhost", "MeshRpc.WorkerHost.dll");

    /// <summary>
    /// The full command. A pooled host warms up while it waits for its code; a TLS host makes its certificate from its
    /// first instruction on, which is why TLS is on the command line and not in the start-up configuration it reads later.
    /// </summary>
    public static IReadOnlyList<string> Create(bool tls, bool pooled = false) =>
        [DotnetMuxer.Path, HostAssembly, .. Flags(tls, pooled)];

    /// <summary>The command of a compiler host: one compilation, rehearsed ahead when <paramref name="pooled"/> (it then waits for its source).</summary>
    public static IReadOnlyList<string> Compiler(bool pooled) =>
        [DotnetMuxer.Path, HostAssembly, "--compiler", .. pooled ? (string[])["--pooled"] : []];

    /// <summary>The command of a gem's native host (its path inside the sandbox), which takes the same flags.</summary>
    public static IReadOnlyList<string> Native(string executable, bool tls) => [executable, .. Flags(tls, pooled: false)];

    private static string[] Flags(bool tls, bool pooled) => [.. tls ? (string[])["--tls"] : [], .. pooled ? (string[])["--pooled"] : []];
}
