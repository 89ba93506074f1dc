using System.Diagnostics;
using System.Diagnostics.Metrics;
using MeshRpc.Gateway.Registry;
using MeshRpc.Telemetry;

namespace MeshRpc.Gateway.Telemetry;

/// <summary>
/// UAH CORE's traces and metrics (<see cref="MeshTelemetry.Gateway"/>): a summon span with placement, forge and ticket
/// as children; <c>meshrpc.summon.duration</c> by phase and sandbox; live workers and nodes, and each node's capacity.
/// </summary>
public sealed class GatewayTelemetry
{
    /// <summary>The gateway's spans.</summary>
    public static readonly ActivitySource Source = new(MeshTelemetry.Gateway);

    private readonly Histogram<double> _summonPhase;

    /// <summary>Creates the instruments on a meter of <paramref name="meters"/>; the gauges read <paramref name="registry"/> when collected.</summary>
    public GatewayTelemetry(IMeterFactory meters, NodeRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(registry);
        var meter = meters.Create(MeshTelemetry.Gateway);
        _summonPhase = meter.CreateHistogram<double>("meshrpc.summon.duration", "s", "Duration of each phase of a summon on the gateway: placement, forge.");
        meter.CreateObservableGauge("meshrpc.workers.live", () => registry.LiveNodes().Sum(n => n.Workers.Count), "{worker}", "Workers on live nodes.");
        meter.CreateObservableGauge("meshrpc.nodes.live", () => registry.LiveNodes().Count, "{node}", "Nodes whose heartbeat is recent.");
        meter.CreateObservableGauge("meshrpc.node.capacity", () => registry.LiveNodes().Select(n =>
            new Measurement<int>(n.Registration.Slots, new KeyValuePair<string, object?>("meshrpc.node.id", n.Registration.NodeId), new KeyValuePair<string, object?>("meshrpc.sandbox", n.Registration.Sandbox))),
            "{worker}", "Worker slots of each live node.");
    }

    /// <summary>Starts a phase's span (<c>placement</c>, <c>forge</c>, <c>ticket</c>).</summary>
    public static Activity? StartPhase(string phase) => Source.StartActivity(phase, ActivityKind.Internal);

    /// <summary>Records a summon phase's duration.</summary>
    public void PhaseEnded(string phase, string? sandbox, TimeSpan duration)
    {
        if (_summonPhase.Enabled)
        {
            _summonPhase.Record(duration.TotalSeconds, new TagList { { "meshrpc.phase", phase }, { "meshrpc.sandbox", sandbox ?? "none" } });
        }
    }
}
