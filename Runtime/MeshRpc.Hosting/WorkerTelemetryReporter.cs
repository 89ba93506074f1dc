using System.Diagnostics;
using System.Text.Json;
using MeshRpc.HostProtocol;
using MeshRpc.Telemetry;

namespace MeshRpc.Hosting;

/// <summary>
/// The worker host's telemetry exporter: the server span of each call inside a sampled trace goes, as a
/// <see cref="WorkerSpanRecord"/> line, to standard error, where the node agent reads it (a sandbox has no network), and
/// so does each refused connection (<see cref="WorkerRefusalRecord"/>). Calls outside a sampled trace cost nothing.
/// </summary>
internal static class WorkerTelemetryReporter
{
    /// <summary>Starts reporting to <paramref name="error"/>; dispose to stop.</summary>
    public static IDisposable Start(TextWriter error)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == MeshTelemetry.Worker,

            // Only what the caller's trace records: its sampling decision travels in the traceparent's flags.
            Sample = static (ref ActivityCreationOptions<ActivityContext> options) =>
                options.Parent.TraceFlags.HasFlag(ActivityTraceFlags.Recorded) ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None,
            ActivityStopped = activity =>
            {
                if (activity.ParentId is not { } parent || activity.GetTagItem("rpc.method") is not string method)
                {
                    return;
                }

                var record = new WorkerSpanRecord(parent, method, activity.StartTimeUtc.Ticks / 10 - DateTime.UnixEpoch.Ticks / 10, activity.Duration.Ticks / 10);
                error.WriteLine(WorkerSpanRecord.Marker + JsonSerializer.Serialize(record, WorkerHostJsonContext.Default.WorkerSpanRecord));
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    /// <summary>Reports a refused connection, for the node to count by reason.</summary>
    public static void Refused(TextWriter error, string reason) =>
        error.WriteLine(WorkerRefusalRecord.Marker + JsonSerializer.Serialize(new WorkerRefusalRecord(reason), WorkerHostJsonContext.Default.WorkerRefusalRecord));
}
