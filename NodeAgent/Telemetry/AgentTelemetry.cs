using System.Diagnostics;
using System.Diagnostics.Metrics;
using MeshRpc.Telemetry;

namespace MeshRpc.NodeAgent.Telemetry;

/// <summary>
/// The agent's traces and metrics (<see cref="MeshTelemetry.NodeAgent"/>): a forge span with its phases (gem or source,
/// sandbox, host) as children, <c>meshrpc.forge.duration</c> by phase and sandbox, warm-pool hits and misses, heartbeat losses.
/// </summary>
public sealed class AgentTelemetry
{
    /// <summary>The agent's spans.</summary>
    public static readonly ActivitySource Source = new(MeshTelemetry.NodeAgent);

    private readonly Histogram<double> _forgePhase;
    private readonly Counter<long> _poolHits;
    private readonly Counter<long> _poolMisses;
    private readonly Counter<long> _heartbeatLosses;
    private readonly Counter<long> _compilations;

    /// <summary>Creates the instruments on a meter of <paramref name="meters"/>.</summary>
    public AgentTelemetry(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeshTelemetry.NodeAgent);
        _forgePhase = meter.CreateHistogram<double>("meshrpc.forge.duration", "s", "Duration of each phase of a forge on the node: gem, sandbox, host.");
        _poolHits = meter.CreateCounter<long>("meshrpc.warm_pool.hits", "{sandbox}", "Forges served by a pooled, already running worker host.");
        _poolMisses = meter.CreateCounter<long>("meshrpc.warm_pool.misses", "{sandbox}", "Forges that started a sandbox cold.");
        _compilations = meter.CreateCounter<long>("meshrpc.source.compilations", "{compilation}", "Summoned sources compiled on the node, by whether a warm compiler took them and how they ended.");
        _heartbeatLosses = meter.CreateCounter<long>("meshrpc.workers.heartbeat_losses", "{worker}", "Workers that ended because their caller's heartbeats stopped.");
    }

    /// <summary>Starts a phase's span; <see cref="PhaseEnded"/> records its duration.</summary>
    public static Activity? StartPhase(string phase) => Source.StartActivity(phase, ActivityKind.Internal);

    /// <summary>Records a phase's duration.</summary>
    public void PhaseEnded(string phase, string sandbox, long started)
    {
        if (_forgePhase.Enabled)
        {
            _forgePhase.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new TagList { { "meshrpc.phase", phase }, { "meshrpc.sandbox", sandbox } });
        }
    }

    /// <summary>Counts a worker that ended for want of its caller's heartbeat.</summary>
    public void HeartbeatLost() => _heartbeatLosses.Add(1);

    /// <summary>Counts a compilation of summoned source: by a warm compiler or a cold one, and whether it made a gem.</summary>
    public void Compiled(bool warm, bool succeeded) =>
        _compilations.Add(1, new TagList { { "meshrpc.compiler.warm", warm }, { "meshrpc.compile.succeeded", succeeded } });

    /// <summary>Counts a forge that took a pooled host (<paramref name="hit"/>) or started cold.</summary>
    public void PoolTaken(bool hit, string sandbox) =>
        (hit ? _poolHits : _poolMisses).Add(1, new KeyValuePair<string, object?>("meshrpc.sandbox", sandbox));
}
