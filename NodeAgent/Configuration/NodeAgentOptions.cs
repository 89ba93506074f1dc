using MeshRpc.NodeAgent.Sandboxes;

namespace MeshRpc.NodeAgent.Configuration;

/// <summary>How a node agent runs; bound from the command line (<c>--gateway</c>, <c>--node-id</c>, ...).</summary>
public sealed record NodeAgentOptions
{
    /// <summary>The gateway (UAH CORE) base address.</summary>
    public required Uri Gateway { get; init; }

    /// <summary>This node's id in the registry.</summary>
    public string NodeId { get; init; } = "node-" + Environment.MachineName.ToLowerInvariant();

    /// <summary>The address workers listen on; callers connect to it directly.</summary>
    public string DataPlaneAddress { get; init; } = "127.0.0.1";

    /// <summary>
    /// Whether workers serve TLS with a fresh self-signed certificate that tickets pin (the default). Turn off
    /// (<c>--data-plane-tls false</c>) only where every network between callers and workers is trusted.
    /// </summary>
    public bool DataPlaneTls { get; init; } = true;

    /// <summary>
    /// The operator's join token, with which the node registers (<c>--join-token</c>, or better the environment variable
    /// <c>MESHRPC_JOIN_TOKEN</c>, which no process listing shows).
    /// </summary>
    public string? JoinToken { get; init; }

    /// <summary>How many workers this node runs at once.</summary>
    public int Slots { get; init; } = 16;

    /// <summary>Where gems are cached and sandboxes keep their state.</summary>
    public string WorkDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "meshrpc-agent");

    /// <summary>Unpacked, verified gems.</summary>
    public string GemCacheDirectory => Path.Combine(WorkDirectory, "gems");

    /// <summary>The node's trusted root certificates, exported for workers (<see cref="WorkerTrust"/>).</summary>
    public string TrustDirectory => Path.Combine(WorkDirectory, "trust");

    /// <summary>Sandbox provider: <c>lxc</c>, <c>bwrap</c>, <c>process</c>, or <c>auto</c> for the strongest available.</summary>
    public string Sandbox { get; init; } = "auto";

    /// <summary>Labels summons can require of this node (<c>--labels gpu,zone=eu</c>).</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>How many pre-forged idle sandboxes to keep ready (0: none).</summary>
    public int WarmPoolSize { get; init; }

    /// <summary>Per-worker limits (enforced by LXC; bubblewrap and plain processes cannot).</summary>
    public SandboxLimits Limits { get; init; } = new(MemoryBytes: 512L << 20, MaxProcesses: 128, Cpus: 1.0, ScratchBytes: 64L << 20);

    /// <summary>How often the agent reports to the gateway.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a worker host may take to report its port.</summary>
    public TimeSpan WorkerStartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long compiling summoned source may take in its sandbox (<c>--compile-timeout-ms</c>); under <see cref="WorkerStartTimeout"/>.</summary>
    public TimeSpan CompileTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Whether a node whose sandboxes contain nothing (the plain-process provider) still runs summoned raw source,
    /// which is arbitrary code with the agent's rights (<c>--allow-uncontained-source true</c>). Off by default: only
    /// for a machine where every caller is trusted.
    /// </summary>
    public bool AllowUncontainedSource { get; init; }

    /// <summary>
    /// The subnet the node carves worker links from (<c>--egress-subnet 10.231.0.0/16</c>, a /30 per worker with
    /// egress), which turns egress on: workers whose summon lists destinations reach those, through the node's
    /// firewall. Null (the default): no worker reaches anything. Needs root and the lxc or bwrap sandbox.
    /// </summary>
    public System.Net.IPNetwork? EgressSubnet { get; init; }

    /// <summary>Whether workers put remote stack traces in error replies (off: callers may be untrusted).</summary>
    public bool WorkerErrorDiagnostics { get; init; }

    /// <summary>Reads the options from configuration keys <c>gateway</c>, <c>node-id</c>, <c>data-plane</c>, <c>data-plane-tls</c>, <c>slots</c>, <c>work-dir</c>, <c>sandbox</c>, <c>warm-pool</c>, <c>memory-mb</c>, <c>max-processes</c>, <c>cpus</c>.</summary>
    public static NodeAgentOptions From(IConfiguration configuration)
    {
        var gateway = configuration["gateway"] ?? throw new InvalidOperationException(
            "The node agent needs the gateway's address: pass --gateway http://host:port.");
        var defaults = new NodeAgentOptions { Gateway = new Uri(gateway) };
        return defaults with
        {
            NodeId = configuration["node-id"] ?? defaults.NodeId,
            JoinToken = configuration["join-token"] ?? Environment.GetEnvironmentVariable("MESHRPC_JOIN_TOKEN"),
            DataPlaneAddress = configuration["data-plane"] ?? defaults.DataPlaneAddress,
            DataPlaneTls = configuration["data-plane-tls"] is not { } tls || ParseSwitch(tls, "data-plane-tls"),
            Slots = int.TryParse(configuration["slots"], out var slots) ? slots : defaults.Slots,
            WorkDirectory = configuration["work-dir"] ?? defaults.WorkDirectory,
            WorkerErrorDiagnostics = bool.TryParse(configuration["worker-error-diagnostics"], out var diagnostics) && diagnostics,
            AllowUncontainedSource = configuration["allow-uncontained-source"] is { } uncontained && ParseSwitch(uncontained, "allow-uncontained-source"),
            Sandbox = configuration["sandbox"] ?? defaults.Sandbox,
            EgressSubnet = configuration["egress-subnet"] is { } subnet ? ParseSubnet(subnet) : null,
            Labels = configuration["labels"]?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? defaults.Labels,
            WarmPoolSize = int.TryParse(configuration["warm-pool"], out var pool) ? pool : defaults.WarmPoolSize,
            CompileTimeout = int.TryParse(configuration["compile-timeout-ms"], out var compile) ? TimeSpan.FromMilliseconds(compile) : defaults.CompileTimeout,
            Limits = new SandboxLimits(
                MemoryBytes: long.TryParse(configuration["memory-mb"], out var memory) ? memory << 20 : defaults.Limits.MemoryBytes,
                MaxProcesses: int.TryParse(configuration["max-processes"], out var processes) ? processes : defaults.Limits.MaxProcesses,
                Cpus: double.TryParse(configuration["cpus"], System.Globalization.CultureInfo.InvariantCulture, out var cpus) ? cpus : defaults.Limits.Cpus,
                ScratchBytes: defaults.Limits.ScratchBytes),
        };
    }

    private static System.Net.IPNetwork ParseSubnet(string text) =>
        System.Net.IPNetwork.TryParse(text, out var subnet) && subnet.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && subnet.PrefixLength <= 28
            ? subnet
            : throw new InvalidOperationException($"--egress-subnet takes an IPv4 network of at least 16 addresses with its host bits zero (for example 10.231.0.0/16), not '{text}'.");

    private static bool ParseSwitch(string value, string key) => bool.TryParse(value, out var on) ? on : throw new InvalidOperationException(
        $"--{key} takes true or false, not '{value}'.");
}
