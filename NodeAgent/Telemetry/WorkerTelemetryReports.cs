using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using MeshRpc.HostProtocol;
using MeshRpc.Hosting;
using MeshRpc.Telemetry;

namespace MeshRpc.NodeAgent.Telemetry;

/// <summary>
/// What worker hosts report on their standard error, the sandbox having no network: spans (<see cref="WorkerSpanRecord"/>),
/// which the node exports, named and tagged with the worker id and contract the agent knows (not what the worker
/// claims), with <c>rpc.server.call.duration</c> recorded from them; and refused connections
/// (<see cref="WorkerRefusalRecord"/>), counted as <c>meshrpc.handshake.refusals</c> by reason. Bounded: at most
/// <see cref="MaxPerSecond"/> records a second per worker, span times within a day, reasons from a short list.
/// </summary>
public sealed class WorkerTelemetryReports
{
    /// <summary>The most spans one worker may report in a second; the rest are dropped.</summary>
    public const int MaxPerSecond = 1000;

    private const int MaxMethodChars = 256;
    private static readonly ActivitySource Source = new(MeshTelemetry.Worker);
    private readonly Histogram<double> _callDuration;
    private readonly Counter<long> _refusals;
    private readonly TimeProvider _time;

    /// <summary>Creates the exporter of worker spans; the call durations go to a meter of <paramref name="meters"/>.</summary>
    public WorkerTelemetryReports(IMeterFactory meters, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _time = time;
        var meter = meters.Create(MeshTelemetry.Worker);
        _callDuration = meter.CreateHistogram<double>("rpc.server.call.duration", "s", "Duration of calls as the workers serve them.");
        _refusals = meter.CreateCounter<long>("meshrpc.handshake.refusals", "{connection}", "Connections workers refused, by reason.");
    }

    /// <summary>
    /// What to do with each line of <paramref name="workerId"/>'s standard error: a span record becomes a span; the rest
    /// of the line (all of it, for the worker's own output) stays in its spool.
    /// </summary>
    public Func<string, string?> DivertFor(string workerId, string contract, string nodeId)
    {
        var second = 0L;
        var spent = 0;
        return line =>
        {
            var (at, marker) = line.IndexOf(WorkerSpanRecord.Marker, StringComparison.Ordinal) is >= 0 and var span
                ? (span, WorkerSpanRecord.Marker)
                : (line.IndexOf(WorkerRefusalRecord.Marker, StringComparison.Ordinal), WorkerRefusalRecord.Marker);
            if (at < 0)
            {
                return line;
            }

            var now = _time.GetUtcNow();
            if (now.ToUnixTimeSeconds() != second)
            {
                (second, spent) = (now.ToUnixTimeSeconds(), 0);
            }

            if (++spent <= MaxPerSecond)
            {
                var record = line[(at + marker.Length)..];
                if (marker == WorkerSpanRecord.Marker)
                {
                    Export(record, workerId, contract, nodeId, now);
                }
                else
                {
                    Count(record, contract);
                }
            }

            // Whatever the worker printed before the record, without a newline, is its own output.
            return at > 0 ? line[..at] : null;
        };
    }

    private void Count(string json, string contract)
    {
        try
        {
            if (JsonSerializer.Deserialize(json, WorkerHostJsonContext.Default.WorkerRefusalRecord) is { } refusal && HandshakeRefusals.All.Contains(refusal.Reason))
            {
                _refusals.Add(1, new KeyValuePair<string, object?>("meshrpc.refusal.reason", refusal.Reason), new KeyValuePair<string, object?>("rpc.service", contract));
            }
        }
        catch (JsonException)
        {
            // Not a record after all: a worker printing the marker gets nothing counted.
        }
    }

    private void Export(string json, string workerId, string contract, string nodeId, DateTimeOffset now)
    {
        WorkerSpanRecord? record;
        try
        {
            record = JsonSerializer.Deserialize(json, WorkerHostJsonContext.Default.WorkerSpanRecord);
        }
        catch (JsonException)
        {
            return;
        }

        if (record is null || record.Method is not { Length: > 0 and <= MaxMethodChars } method || record.DurationMicroseconds is < 0 or > 86_400_000_000L
            || !ActivityContext.TryParse(record.Parent, null, isRemote: true, out var parent))
        {
            return;
        }

        var start = DateTimeOffset.UnixEpoch.AddTicks(record.StartUnixMicroseconds * 10);
        if ((now - start).Duration() > TimeSpan.FromDays(1))
        {
            return;
        }

        var duration = TimeSpan.FromTicks(record.DurationMicroseconds * 10);
        _callDuration.Record(duration.TotalSeconds, new TagList { { "rpc.system", MeshTelemetry.RpcSystem }, { "rpc.service", contract }, { "rpc.method", method } });
        using var span = Source.StartActivity(ActivityKind.Server, parent, startTime: start, name: $"{contract}/{method}");
        if (span is null)
        {
            return;
        }

        span.SetTag("rpc.system", MeshTelemetry.RpcSystem);
        span.SetTag("rpc.service", contract);
        span.SetTag("rpc.method", method);
        span.SetTag("meshrpc.worker.id", workerId);
        span.SetTag("meshrpc.node.id", nodeId);
        span.SetEndTime(start.UtcDateTime + duration);
    }
}
