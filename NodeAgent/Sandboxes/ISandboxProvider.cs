using MeshRpc.NodeAgent.Egress;

namespace MeshRpc.NodeAgent.Sandboxes;

/// <summary>Starts worker hosts in some kind of isolation: LXC, bubblewrap, or a plain process.</summary>
public interface ISandboxProvider
{
    /// <summary>The provider's name as reported in registration: <c>lxc</c>, <c>bwrap</c> or <c>process</c>.</summary>
    string Name { get; }

    /// <summary>Whether the sandboxes contain hostile code (their own namespaces, no privileges), so that raw source may run in them.</summary>
    bool ContainsWorkers { get; }

    /// <summary>Where the unpacked gem cache appears inside this provider's sandboxes.</summary>
    string GemCacheMountPoint { get; }

    /// <summary>
    /// Whether a worker link (<see cref="SandboxSpec.Link"/>) must come inside a network namespace the sandbox joins,
    /// rather than as a device in the node's namespace that the sandbox moves into its own.
    /// </summary>
    bool JoinsLinkNamespace => false;

    /// <summary>Starts the worker host for one worker; its standard input and output are the host's start-up channel.</summary>
    Task<ISandbox> StartAsync(SandboxSpec spec, CancellationToken cancellationToken);

    /// <summary>
    /// Why this provider could not start a sandbox now (its tool gone, its folder gone or unwritable), in words fit for
    /// anyone (no path); null when nothing stands in the way. Cheap: readiness probes ask it every few seconds.
    /// </summary>
    string? ReadinessProblem();

    /// <summary>Destroys sandboxes a previous run of this agent left behind (for example after it was killed).</summary>
    Task<int> ReapOrphansAsync();
}

/// <summary>What a sandbox runs.</summary>
/// <param name="Name">The sandbox's name: <c>meshrpc-</c> plus the worker id.</param>
/// <param name="HostCommand">The worker host's command line, program first.</param>
/// <param name="HostDirectory">The worker host's folder, made visible read-only at the same path (even under /tmp).</param>
/// <param name="GemCacheDirectory">The node's unpacked gems, made visible read-only.</param>
/// <param name="TrustDirectory">The node's trusted roots (<see cref="WorkerTrust"/>), made visible read-only and the only ones the worker loads.</param>
/// <param name="Limits">Resource limits, where the provider can enforce them.</param>
/// <param name="DataPlaneAddress">The node address the worker's data-plane socket listens on (opened by the agent, see <see cref="ISandbox.DataPlanePort"/>).</param>
/// <param name="Link">The worker's link out, when its summon lists egress destinations; without one the sandbox's network has only loopback.</param>
public sealed record SandboxSpec(
    string Name, IReadOnlyList<string> HostCommand, string HostDirectory, string GemCacheDirectory, string TrustDirectory, SandboxLimits Limits, string DataPlaneAddress, WorkerLink? Link = null);

/// <summary>Resource limits for one sandbox.</summary>
/// <param name="MemoryBytes">Memory the sandbox may use before the kernel kills it.</param>
/// <param name="MaxProcesses">Processes and threads the sandbox may hold at once.</param>
/// <param name="Cpus">CPU time, in cores.</param>
/// <param name="ScratchBytes">Size of the writable scratch tmpfs.</param>
public sealed record SandboxLimits(long MemoryBytes, int MaxProcesses, double Cpus, long ScratchBytes);

/// <summary>One running sandbox.</summary>
public interface ISandbox : IAsyncDisposable
{
    /// <summary>The sandbox's name.</summary>
    string Name { get; }

    /// <summary>Writes to the worker host's standard input.</summary>
    StreamWriter Input { get; }

    /// <summary>Reads the worker host's standard output.</summary>
    StreamReader Output { get; }

    /// <summary>Reads the worker host's standard error.</summary>
    StreamReader Errors { get; }

    /// <summary>Completes with the exit code when the sandbox is gone.</summary>
    Task<int> Exited { get; }

    /// <summary>
    /// The port of the data-plane socket the agent opened on the node's address and handed to the worker host: the
    /// only way in, whatever network the sandbox has, and the port tickets name (not whatever the worker reports).
    /// </summary>
    int DataPlanePort { get; }

    /// <summary>The host-side process id of a process inside the sandbox, given its id there.</summary>
    int HostProcessIdOf(int sandboxProcessId);

    /// <summary>Kills everything in the sandbox and returns once it is gone.</summary>
    Task KillAsync();
}
