namespace MeshRpc.Telemetry;

/// <summary>
/// The names MeshRpc's traces and metrics go by: one <see cref="System.Diagnostics.ActivitySource"/> and one
/// <see cref="System.Diagnostics.Metrics.Meter"/> per component, each named <c>MeshRpc.</c> and the component, so
/// <c>AddSource("MeshRpc.*")</c> and <c>AddMeter("MeshRpc.*")</c> take them all. Attributes follow OpenTelemetry's
/// RPC conventions.
/// </summary>
public static class MeshTelemetry
{
    /// <summary>Every source and meter of MeshRpc, as an OpenTelemetry wildcard.</summary>
    public const string All = "MeshRpc.*";

    /// <summary>Callers: summons, connections, calls (client spans).</summary>
    public const string Client = "MeshRpc.Client";

    /// <summary>UAH CORE: summons, placement, forge requests, tickets.</summary>
    public const string Gateway = "MeshRpc.Gateway";

    /// <summary>Node agents: forges (gem, sandbox, host), the warm pool.</summary>
    public const string NodeAgent = "MeshRpc.NodeAgent";

    /// <summary>Worker hosts: calls served (server spans).</summary>
    public const string Worker = "MeshRpc.Worker";

    /// <summary>The value of <c>rpc.system</c>.</summary>
    public const string RpcSystem = "jsonrpc";
}
