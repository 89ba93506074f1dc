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

    /// <summary>Starts serving a call of <paramref name="method"/>; dispose the result when it is done. Heartbeats are not calls.</summary>
    public IDisposable? Begin(string method, string? traceParent, string? traceState, int? timeoutMs)
    {
        // Every request is a call, for the idle timeout.
        var served = calls?.Started();

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
        return CallDuration.Enabled || served is not null || timeoutMs is not null
            ? new ServedCall(activity, served, contract, method, Stopwatch.GetTimestamp(), timeoutMs is { } ms && timedOut is not null ? () => timedOut(method, ms) : null, timeoutMs)
            : activity;
    }

    private sealed class ServedCall(Activity? activity, IDisposable? served, string contract, string method, long started, Action? timedOut, int? timeoutMs) : IDisposable
    {
        public void Dispose()
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (timeoutMs is { } ms && elapsed.TotalMilliseconds >= ms)
            {
                activity?.SetStatus(ActivityStatusCode.Error, "timed out");
                timedOut?.Invoke();
            }

            activity?.Dispose();
            served?.Dispose();
            if (!CallDuration.Enabled)
            {
                return;
            }

            CallDuration.Record(elapsed.TotalSeconds, new TagList
            {
                { "rpc.system", MeshTelemetry.RpcSystem },
                { "rpc.service", contract },
                { "rpc.method", method },
            });
        }
    }
}
