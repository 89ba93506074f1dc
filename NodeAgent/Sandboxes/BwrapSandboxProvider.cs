using System.Globalization;
using MeshRpc.NodeAgent.Configuration;

namespace MeshRpc.NodeAgent.Sandboxes;

/// <summary>
/// bubblewrap, started as the unprivileged first subordinate uid of the node (as LXC maps a worker's root): its own
/// user, PID, network (or its worker link's, see <see cref="SandboxSpec.Link"/>), mount, UTS, IPC and cgroup
/// namespaces, no capabilities, no further user namespaces, a read-only root, a private tmpfs as the only writable
/// place, the gem cache read-only. It has no cgroup support, so it enforces no memory, process or CPU limits, and no
/// seccomp filter; use LXC for those.
/// </summary>
public sealed class BwrapSandboxProvider : ISandboxProvider
{
    private readonly string _pidFolder;
    private readonly PidFiles _pids;
    private readonly SubordinateIds _ids = SubordinateIds.Ensure();

    /// <summary>Creates the provider.</summary>
    public BwrapSandboxProvider(NodeAgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _pidFolder = Path.Combine(options.WorkDirectory, "sandboxes", Name);
        _pids = new PidFiles(_pidFolder);
    }

    /// <inheritdoc />
    public string Name => "bwrap";

    /// <inheritdoc />
    public bool ContainsWorkers => true;

    /// <inheritdoc />
    public string GemCacheMountPoint => "/tmp/gems";

    // bubblewrap makes an empty network namespace or shares its parent's: a worker with a link runs in the link's.
    /// <inheritdoc />
    public bool JoinsLinkNamespace => true;

    /// <summary>Whether bubblewrap runs on this machine.</summary>
    public static bool IsAvailable() => Probe.Succeeds("setpriv",
        [.. Unprivileged(SubordinateIds.Ensure()), "bwrap", .. Containment, .. Root(), "--", "/usr/bin/true"]);

    // bubblewrap run by root would map the worker onto root; run by an unprivileged uid, the worker is that uid.
    private static string[] Unprivileged(SubordinateIds ids) =>
        [FormattableString.Invariant($"--reuid={ids.UidStart}"), FormattableString.Invariant($"--regid={ids.GidStart}"), "--clear-groups", "--"];

    private static IEnumerable<string> Root() =>
    [
        .. WorkerRoot.SharedFolders.SelectMany(folder => (string[])["--ro-bind", folder, folder]),
        .. WorkerRoot.Links.SelectMany(link => (string[])["--symlink", link.Target, link.Path]),
    ];

    private static readonly string[] Containment =
        ["--unshare-all", "--unshare-user", "--disable-userns", "--cap-drop", "ALL", "--die-with-parent", "--new-session"];

    /// <inheritdoc />
    public Task<ISandbox> StartAsync(SandboxSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        // Never the node's own network: a link must already be in its namespace.
        var network = spec.Link is null ? null : spec.Link.Namespace ?? throw new InvalidOperationException(
            $"Worker link {spec.Link.HostInterface} is not in a network namespace; bubblewrap workers join their link's namespace.");
        List<string> command =
        [
            .. network is null ? (string[])[] : ["ip", "netns", "exec", network],
            "setpriv",
            .. Unprivileged(_ids),
            "bwrap",
            .. Containment,
            .. network is null ? (string[])[] : ["--share-net"],
            "--hostname", spec.Name,
            .. Root(),
            "--dev", "/dev",
            "--proc", "/proc",
            "--size", spec.Limits.ScratchBytes.ToString(CultureInfo.InvariantCulture), "--tmpfs", "/tmp",
            "--ro-bind", spec.HostDirectory, spec.HostDirectory,
            "--ro-bind", spec.GemCacheDirectory, GemCacheMountPoint,
            "--ro-bind", spec.TrustDirectory, WorkerTrust.MountPoint,
            "--setenv", "HOME", "/tmp",
            "--setenv", "TMPDIR", "/tmp",
            .. WorkerTrust.Environment(WorkerTrust.MountPoint, egress: spec.Link is not null).SelectMany(variable => (string[])["--setenv", variable.Key, variable.Value]),
            "--",
            .. spec.HostCommand,
        ];
        var sandbox = ChildProcessSandbox.Start(spec.Name, command, spec.DataPlaneAddress, cleanUp: () => _pids.Forget(spec.Name));
        _pids.Record(spec.Name, sandbox.RootProcessId);
        return Task.FromResult<ISandbox>(sandbox);
    }

    /// <inheritdoc />
    public Task<int> ReapOrphansAsync() => Task.FromResult(_pids.KillRecorded("bwrap"));

    /// <inheritdoc />
    public string? ReadinessProblem() => ProviderReadiness.ToolProblem("bwrap") ?? ProviderReadiness.FolderProblem(_pidFolder);
}
