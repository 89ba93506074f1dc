using System.Net;
using MeshRpc.NodeAgent.Sandboxes;
using Microsoft.Extensions.Configuration;

namespace MeshRpc.NodeAgent.Configuration;

/// <summary>
/// How a node agent runs: bound from configuration (the command line's <c>--gateway</c>, <c>--node-id</c>, ...; each
/// property names its key) and checked at start-up by <see cref="NodeAgentOptionsValidator"/>.
/// </summary>
public sealed record NodeAgentOptions
{
    /// <summary>The environment variable that carries the join token where no <c>--join-token</c> is given.</summary>
    public const string JoinTokenVariable = "MESHRPC_JOIN_TOKEN";

    /// <summary>The gateway (UAH CORE) base address (<c>--gateway</c>, required).</summary>
    [ConfigurationKeyName("gateway")]
    public required Uri Gateway { get; init; }

    /// <summary>
    /// Other gateways of the same swarm, comma-separated (<c>--fallback-gateways http://b:8080,http://c:8080</c>): when
    /// the agent's gateway stops answering, it registers with the next of these and goes on (docs/scaling.md).
    /// </summary>
    [ConfigurationKeyName("fallback-gateways")]
    public string? FallbackGateways { get; init; }

    /// <summary>Every gateway the agent may speak to, its own first; <see cref="FallbackGateways"/> must parse (the validator checks).</summary>
    public IReadOnlyList<Uri> Gateways =>
        [Gateway, .. (FallbackGateways ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(text => new Uri(text))];

    /// <summary>This node's id in the registry (<c>--node-id</c>).</summary>
    [ConfigurationKeyName("node-id")]
    public string NodeId { get; init; } = "node-" + Environment.MachineName.ToLowerInvariant();

    /// <summary>The address workers listen on; callers connect to it directly (<c>--data-plane</c>).</summary>
    [ConfigurationKeyName("data-plane")]
    public string DataPlaneAddress { get; init; } = "127.0.0.1";

    /// <summary>
    /// Whether workers serve TLS with a fresh self-signed certificate that tickets pin (the default). Turn off
    /// (<c>--data-plane-tls false</c>) only where every network between callers and workers is trusted.
    /// </summary>
    [ConfigurationKeyName("data-plane-tls")]
    public bool DataPlaneTls { get; init; } = true;

    /// <summary>
    /// The operator's join token, with which the node registers (<c>--join-token</c>, or better the environment variable
    /// <see cref="JoinTokenVariable"/>, which no process listing shows).
    /// </summary>
    [ConfigurationKeyName("join-token")]
    public string? JoinTokenArgument { get; init; }

    /// <summary>The join token: <see cref="JoinTokenArgument"/>, else <see cref="JoinTokenVariable"/>.</summary>
    public string? JoinToken => JoinTokenArgument ?? Environment.GetEnvironmentVariable(JoinTokenVariable);

    /// <summary>How many workers this node runs at once (<c>--slots</c>).</summary>
    [ConfigurationKeyName("slots")]
    public int Slots { get; init; } = 16;

    /// <summary>Where gems are cached and sandboxes keep their state (<c>--work-dir</c>).</summary>
    [ConfigurationKeyName("work-dir")]
    public string WorkDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "meshrpc-agent");

    /// <summary>Unpacked, verified gems.</summary>
    public string GemCacheDirectory => Path.Combine(WorkDirectory, "gems");

    /// <summary>The node's trusted root certificates, exported for workers (<see cref="WorkerTrust"/>).</summary>
    public string TrustDirectory => Path.Combine(WorkDirectory, "trust");

    /// <summary>Sandbox provider (<c>--sandbox</c>): <c>lxc</c>, <c>bwrap</c>, <c>process</c>, or <c>auto</c> for the strongest available.</summary>
    [ConfigurationKeyName("sandbox")]
    public string Sandbox { get; init; } = "auto";

    /// <summary>Labels summons can require of this node, comma-separated (<c>--labels gpu,zone=eu</c>).</summary>
    [ConfigurationKeyName("labels")]
    public string? LabelList { get; init; }

    /// <summary>The labels of <see cref="LabelList"/>.</summary>
    public IReadOnlyList<string> Labels =>
        (LabelList ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>How many pre-forged idle sandboxes to keep ready at least (<c>--warm-pool</c>; 0: none).</summary>
    [ConfigurationKeyName("warm-pool")]
    public int WarmPoolSize { get; init; }

    /// <summary>
    /// How many idle sandboxes the pool may grow to when summons come in bursts (<c>--warm-pool-max</c>; by default
    /// <see cref="WarmPoolSize"/>, a pool of fixed size). The pool keeps as many as the largest burst it saw lately.
    /// </summary>
    [ConfigurationKeyName("warm-pool-max")]
    public int? WarmPoolMaxSize { get; init; }

    /// <summary>The most idle sandboxes the pool keeps.</summary>
    public int WarmPoolCeiling => WarmPoolMaxSize ?? WarmPoolSize;

    /// <summary>
    /// How many cold worker hosts may start at once (<c>--max-cold-starts</c>; by default one per processor). Summons
    /// beyond it wait their turn, up to <see cref="ColdStartPatience"/>.
    /// </summary>
    [ConfigurationKeyName("max-cold-starts")]
    public int? MaxColdStartsArgument { get; init; }

    /// <summary>How many cold worker hosts start at once: <see cref="MaxColdStartsArgument"/>, else one per processor.</summary>
    public int MaxColdStarts => MaxColdStartsArgument ?? Environment.ProcessorCount;

    /// <summary>How long a summon waits for its turn to start a cold host before the node answers that it is busy.</summary>
    public TimeSpan ColdStartPatience { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many seconds a burst of summons keeps the pool grown before it shrinks back (<c>--warm-pool-keep-seconds</c>).</summary>
    [ConfigurationKeyName("warm-pool-keep-seconds")]
    public int WarmPoolKeepSeconds { get; init; } = 60;

    /// <summary>How much of each worker's printed output the agent keeps, in KiB, newest lines first (<c>--spool-kb</c>, <c>omega_spool</c>).</summary>
    [ConfigurationKeyName("spool-kb")]
    public int SpoolKilobytes { get; init; } = 1024;

    /// <summary>How long an ended worker's printed output stays readable, in seconds (<c>--spool-keep-seconds</c>).</summary>
    [ConfigurationKeyName("spool-keep-seconds")]
    public int SpoolKeepSeconds { get; init; } = 300;

    /// <summary>Memory per worker in MiB (<c>--memory-mb</c>; enforced by LXC).</summary>
    [ConfigurationKeyName("memory-mb")]
    public int MemoryMb { get; init; } = 512;

    /// <summary>Processes per worker (<c>--max-processes</c>; enforced by LXC).</summary>
    [ConfigurationKeyName("max-processes")]
    public int MaxProcesses { get; init; } = 128;

    /// <summary>CPUs per worker (<c>--cpus</c>; enforced by LXC).</summary>
    [ConfigurationKeyName("cpus")]
    public double Cpus { get; init; } = 1.0;

    /// <summary>Per-worker limits (enforced by LXC; bubblewrap and plain processes cannot).</summary>
    public SandboxLimits Limits => new(MemoryBytes: (long)MemoryMb << 20, MaxProcesses: MaxProcesses, Cpus: Cpus, ScratchBytes: 64L << 20);

    /// <summary>How often the agent reports to the gateway.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a worker host may take to report its port.</summary>
    public TimeSpan WorkerStartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many milliseconds compiling summoned source may take in its sandbox (<c>--compile-timeout-ms</c>); under <see cref="WorkerStartTimeout"/>.</summary>
    [ConfigurationKeyName("compile-timeout-ms")]
    public int CompileTimeoutMs { get; init; } = 20_000;

    /// <summary>How long compiling summoned source may take in its sandbox.</summary>
    public TimeSpan CompileTimeout => TimeSpan.FromMilliseconds(CompileTimeoutMs);

    /// <summary>
    /// How many compile sandboxes the node keeps warm, their compiler loaded and rehearsed, once it has compiled source
    /// (<c>--warm-compilers</c>; 0: every compilation starts a cold one). They go when no source has come for
    /// <see cref="WarmPoolKeepSeconds"/> × 10.
    /// </summary>
    [ConfigurationKeyName("warm-compilers")]
    public int WarmCompilers { get; init; } = 1;

    /// <summary>The largest assembly summoned source may compile to, in KiB (<c>--max-compiled-kb</c>).</summary>
    [ConfigurationKeyName("max-compiled-kb")]
    public int MaxCompiledKilobytes { get; init; } = 4096;

    /// <summary>
    /// How much disk the gems compiled from summoned source may take in the node's gem cache, in MiB
    /// (<c>--compiled-cache-mb</c>); the least recently used go first beyond it.
    /// </summary>
    [ConfigurationKeyName("compiled-cache-mb")]
    public int CompiledCacheMegabytes { get; init; } = 256;

    /// <summary>
    /// Whether a node whose sandboxes contain nothing (the plain-process provider) still runs summoned raw source,
    /// which is arbitrary code with the agent's rights (<c>--allow-uncontained-source true</c>). Off by default: only
    /// for a machine where every caller is trusted.
    /// </summary>
    [ConfigurationKeyName("allow-uncontained-source")]
    public bool AllowUncontainedSource { get; init; }

    /// <summary>
    /// The subnet the node carves worker links from (<c>--egress-subnet 10.231.0.0/16</c>, a /30 per worker with
    /// egress), which turns egress on: workers whose summon lists destinations reach those, through the node's
    /// firewall. Null (the default): no worker reaches anything. Needs root and the lxc or bwrap sandbox.
    /// </summary>
    [ConfigurationKeyName("egress-subnet")]
    public string? EgressSubnetText { get; init; }

    /// <summary>The network of <see cref="EgressSubnetText"/>; the validator has made sure it parses.</summary>
    public IPNetwork? EgressSubnet => EgressSubnetText is null ? null : IPNetwork.Parse(EgressSubnetText);

    /// <summary>Whether workers put remote stack traces in error replies (<c>--worker-error-diagnostics</c>; off: callers may be untrusted).</summary>
    [ConfigurationKeyName("worker-error-diagnostics")]
    public bool WorkerErrorDiagnostics { get; init; }
}
