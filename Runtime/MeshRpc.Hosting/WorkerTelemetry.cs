using System.Diagnostics;
using System.Diagnostics.Metrics;
using MeshRpc.Telemetry;
using MeshRpc.Wire;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace MeshRpc.Hosting;

/// <summary>
/// The worker's side of a call's trace (<see cref="MeshTelemetry.Worker"/>): a server span per request, child of the
/// caller's span named by the request's W3C <c>traceparent</c>, and <c>rpc.server.call.duration</c>; and each call's
/// arrival, for the idle timeout. Heartbeats are not calls and make none.
/// </summary>
internal sealed class WorkerTelemetry(string contract, CallActivity? calls = null, Action<string, int>? timedOut = null) : IActivityTracingStrategy
{
    private static readonly ActivitySource Source = new(MeshTelemetry.Worker);

    private static readonly Meter Meter = new(MeshTelemetry.Worker);

    private static readonly Histogram<double> CallDuration = Meter.CreateHistogram<double>(
        "rpc.server.call.duration", "s", "Duration of calls as the worker serves them.");

    /// <inheritdoc />
    public void ApplyOutboundActivity(JsonRpcRequest request)
    {
        // A worker sends no requests of its own.
    }

    /// <inheritdoc />
    public IDisposable? ApplyInboundActivity(JsonRpcRequest request)
    {
        if (request.Method is not { } method || method == Protocol.HeartbeatMethod)
        {
            return null;
        }

        // Every request but a heartbeat is a call, for the idle timeout (this is the one hook StreamJsonRpc gives per request).
        var served = calls?.Started();

        // A span only inside the caller's trace: a request without traceparent costs a null check.
        Activity? activity = null;
        if (request.TraceParent is { } traceParent && Source.HasListeners() && ActivityContext.TryParse(traceParent, request.TraceState, isRemote: true, out var parent))
        {
            activity = Source.StartActivity($"{contract}/{method}", ActivityKind.Server, parent);
            activity?.SetTag("rpc.system", MeshTelemetry.RpcSystem);
            activity?.SetTag("rpc.service", contract);
            activity?.SetTag("rpc.method", method);
        }

        // The caller's timeout, when it sent one: a call still running when it passes was cancelled for it.
        var timeoutMs = (request as MeshRequest)?.TimeoutMs;
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
