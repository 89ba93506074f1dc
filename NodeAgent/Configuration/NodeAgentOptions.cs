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

    /// <summary>How many workers this node runs at once.</summary>
    public int Slots { get; init; } = 16;

    /// <summary>Where gems are cached and workers get their files.</summary>
    public string WorkDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "meshrpc-agent");

    /// <summary>How often the agent reports to the gateway.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a worker host may take to report its port.</summary>
    public TimeSpan WorkerStartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether workers put remote stack traces in error replies (off: callers may be untrusted).</summary>
    public bool WorkerErrorDiagnostics { get; init; }

    /// <summary>Reads the options from configuration keys <c>gateway</c>, <c>node-id</c>, <c>data-plane</c>, <c>slots</c>, <c>work-dir</c>.</summary>
    public static NodeAgentOptions From(IConfiguration configuration)
    {
        var gateway = configuration["gateway"] ?? throw new InvalidOperationException(
            "The node agent needs the gateway's address: pass --gateway http://host:port.");
        var defaults = new NodeAgentOptions { Gateway = new Uri(gateway) };
        return defaults with
        {
            NodeId = configuration["node-id"] ?? defaults.NodeId,
            DataPlaneAddress = configuration["data-plane"] ?? defaults.DataPlaneAddress,
            Slots = int.TryParse(configuration["slots"], out var slots) ? slots : defaults.Slots,
            WorkDirectory = configuration["work-dir"] ?? defaults.WorkDirectory,
            WorkerErrorDiagnostics = bool.TryParse(configuration["worker-error-diagnostics"], out var diagnostics) && diagnostics,
        };
    }
}
