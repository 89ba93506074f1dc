using System.Diagnostics;
using System.Diagnostics.Metrics;
using MeshRpc.Telemetry;

namespace MeshRpc.Hosting;

/// <summary>
/// The worker's side of a call's trace (<see cref="MeshTelemetry.Worker"/>): a server span per request, child of the
/// caller's span named by the request's W3C <c>traceparent</c>, and <c>rpc.server.call.duration</c>; and each call's
/// arrival, for the idle timeout. Heartbeats are not calls and make none.
/// </summary>
internal sealed class WorkerTelemetry(string contract, CallActivity? calls = null, Action<string, int>? timedOut = null)
{
    private static readonly ActivitySource Source = new(MeshTelemetry.Worker);

    private static readonly Meter Meter = new(MeshTelemetry.Worker);

    private static readonly Histogram<double> CallDuration = Meter.CreateHistogram<double>(
        "rpc.server.call.duration", "s", "Duration of calls as the worker serves them.");

    /// <summary>Starts serving a call of <paramref name="method"/>; <see cref="End"/> it once it is done. Heartbeats are not calls.</summary>
    public ServedCall Begin(string method, string? traceParent, string? traceState, int? timeoutMs)
    {
        // Every request is a call, for the idle timeout.
        calls?.Started();

        // A span only inside the caller's trace: a request without traceparent costs a null check.
        Activity? activity = null;
        if (traceParent is not null && Source.HasListeners() && ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var parent))
        {
            activity = Source.StartActivity($"{contract}/{method}", ActivityKind.Server, parent);
            activity?.SetTag("rpc.system", MeshTelemetry.RpcSystem);
            activity?.SetTag("rpc.service", contract);
            activity?.SetTag("rpc.method", method);
        }

        // The caller's timeout, when it sent one: a call still running when it passes was cancelled for it.
        activity?.SetTag("meshrpc.timeout_ms", timeoutMs);
        var started = CallDuration.Enabled || timeoutMs is not null ? Stopwatch.GetTimestamp() : 0;
        return new ServedCall(activity, method, started, timeoutMs);
    }

    /// <summary>Ends a call <see cref="Begin"/> started: its span, its duration, and whether it outlived the caller's timeout.</summary>
    public void End(in ServedCall call)
    {
        calls?.Ended();
        if (call.Started != 0)
        {
            var elapsed = Stopwatch.GetElapsedTime(call.Started);
            if (call.TimeoutMs is { } ms && elapsed.TotalMilliseconds >= ms)
            {
                call.Activity?.SetStatus(ActivityStatusCode.Error, "timed out");
                timedOut?.Invoke(call.Method, ms);
            }

            if (CallDuration.Enabled)
            {
                CallDuration.Record(elapsed.TotalSeconds, new TagList
                {
                    { "rpc.system", MeshTelemetry.RpcSystem },
                    { "rpc.service", contract },
                    { "rpc.method", call.Method },
                });
            }
        }

        call.Activity?.Dispose();
    }
}

/// <summary>A call being served: its span (null while nobody traces), its start (0 while nothing measures it), and the caller's timeout.</summary>
internal readonly record struct ServedCall(Activity? Activity, string Method, long Started, int? TimeoutMs);
