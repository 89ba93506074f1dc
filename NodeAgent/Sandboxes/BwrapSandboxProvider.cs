using System.Globalization;
using MeshRpc.NodeAgent.Configuration;

namespace MeshRpc.NodeAgent.Sandboxes;

/// <summary>
/// bubblewrap: own PID, UTS and IPC namespaces, read-only root, a private tmpfs as the only writable place, the gem
/// cache read-only. It has no cgroup support, so it enforces no memory, process or CPU limits; use LXC for those.
/// </summary>
public sealed class BwrapSandboxProvider : ISandboxProvider
{
    private readonly NodeAgentOptions _options;
    private readonly PidFiles _pids;

    /// <summary>Creates the provider.</summary>
    public BwrapSandboxProvider(NodeAgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _pids = new PidFiles(Path.Combine(options.WorkDirectory, "sandboxes", Name));
    }

    /// <inheritdoc />
    public string Name => "bwrap";

    /// <inheritdoc />
    public string GemCacheMountPoint => "/tmp/gems";

    /// <summary>Whether bubblewrap runs on this machine.</summary>
    public static bool IsAvailable() => Probe.Succeeds("bwrap", "--ro-bind", "/", "/", "--unshare-pid", "--", "/bin/true");

    /// <inheritdoc />
    public Task<ISandbox> StartAsync(SandboxSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        List<string> command =
        [
            "bwrap",
            "--unshare-pid", "--unshare-uts", "--unshare-ipc",
            "--hostname", spec.Name,
            "--ro-bind", "/", "/",
            "--dev", "/dev",
            "--proc", "/proc",
            "--size", spec.Limits.ScratchBytes.ToString(CultureInfo.InvariantCulture), "--tmpfs", "/tmp",
            "--ro-bind", spec.HostDirectory, spec.HostDirectory,
            "--ro-bind", spec.GemCacheDirectory, GemCacheMountPoint,
            "--ro-bind", spec.TrustDirectory, WorkerTrust.MountPoint,
            "--tmpfs", _options.WorkDirectory,
            "--setenv", "HOME", "/tmp",
            "--setenv", "TMPDIR", "/tmp",
            .. WorkerTrust.Environment(WorkerTrust.MountPoint).SelectMany(variable => (string[])["--setenv", variable.Key, variable.Value]),
            "--",
            .. spec.HostCommand,
        ];
        var sandbox = ChildProcessSandbox.Start(spec.Name, command, cleanUp: () => _pids.Forget(spec.Name));
        _pids.Record(spec.Name, sandbox.RootProcessId);
        return Task.FromResult<ISandbox>(sandbox);
    }

    /// <inheritdoc />
    public Task<int> ReapOrphansAsync() => Task.FromResult(_pids.KillRecorded("bwrap"));
}
