using System.Diagnostics;
using System.Diagnostics.Metrics;
using MeshRpc.Telemetry;

namespace MeshRpc.Client.Telemetry;

/// <summary>
/// The caller's traces and metrics (<see cref="MeshTelemetry.Client"/>): a span per summon, connection and call, and
/// <c>rpc.client.call.duration</c>. Costs nothing per call while nobody listens.
/// </summary>
internal static class ClientTelemetry
{
    public static readonly ActivitySource Source = new(MeshTelemetry.Client);

    private static readonly Meter Meter = new(MeshTelemetry.Client);

    private static readonly Histogram<double> CallDuration = Meter.CreateHistogram<double>(
        "rpc.client.call.duration", "s", "Duration of calls to workers, as the caller measures them.");

    private static readonly Histogram<double> SummonDuration = Meter.CreateHistogram<double>(
        "meshrpc.client.summon.duration", "s", "Duration of summons, from the request to a connected worker.");

    /// <summary>Starts a call's client span, named and tagged by OpenTelemetry's RPC conventions.</summary>
    public static CallTelemetry StartCall(WorkerConnection connection, string method)
    {
        // The span's name is made only when someone listens: a call nobody traces allocates nothing here.
        var activity = Source.HasListeners() ? Source.StartActivity($"{connection.Contract.Name}/{method}", ActivityKind.Client) : null;
        if (activity is not null)
        {
            activity.SetTag("rpc.system", MeshTelemetry.RpcSystem);
            activity.SetTag("rpc.service", connection.Contract.Name);
            activity.SetTag("rpc.method", method);
            activity.SetTag("server.address", connection.ServerAddress);
            activity.SetTag("server.port", connection.ServerPort);
            activity.SetTag("meshrpc.worker.id", connection.Ticket.WorkerId);
        }

        return new CallTelemetry(activity, CallDuration.Enabled ? Stopwatch.GetTimestamp() : 0);
    }

    /// <summary>Ends a call's span and records its duration; <paramref name="failure"/> when it failed.</summary>
    public static void EndCall(in CallTelemetry call, WorkerConnection connection, string method, Exception? failure)
    {
        if (call.Activity is { } activity)
        {
            if (failure is not null)
            {
                activity.SetStatus(ActivityStatusCode.Error, failure.Message);
                activity.SetTag("error.type", failure.GetType().FullName);
                if (failure is WorkerErrorReplyException reply)
                {
                    activity.SetTag("rpc.jsonrpc.error_code", reply.Code);
                }
            }

            activity.Dispose();
        }

        if (call.Started != 0)
        {
            var tags = new TagList
            {
                { "rpc.system", MeshTelemetry.RpcSystem },
                { "rpc.service", connection.Contract.Name },
                { "rpc.method", method },
            };
            if (failure is not null)
            {
                tags.Add("error.type", failure.GetType().FullName);
            }

            CallDuration.Record(Stopwatch.GetElapsedTime(call.Started).TotalSeconds, tags);
        }
    }

    /// <summary>Starts a summon's span: the gateway's request, then the connection and handshake, are its children.</summary>
    public static Activity? StartSummon(MeshContract contract, SummonRequest request)
    {
        var activity = Source.StartActivity("summon " + contract.Name, ActivityKind.Internal);
        activity?.SetTag("rpc.service", contract.Name);
        activity?.SetTag("meshrpc.summon.kind", request.Gem is not null ? "gem" : "source");
        return activity;
    }

    /// <summary>Records a summon's duration.</summary>
    public static void SummonEnded(long started, MeshContract contract, Exception? failure)
    {
        if (SummonDuration.Enabled)
        {
            var tags = new TagList { { "rpc.service", contract.Name } };
            if (failure is not null)
            {
                tags.Add("error.type", failure.GetType().FullName);
            }

            SummonDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        }
    }

    /// <summary>Starts the span of connecting to a worker (dial, TLS, handshake).</summary>
    public static Activity? StartConnect(CapabilityTicket ticket)
    {
        var activity = Source.StartActivity("connect", ActivityKind.Client);
        activity?.SetTag("meshrpc.worker.id", ticket.WorkerId);
        activity?.SetTag("meshrpc.node.id", ticket.NodeId);
        return activity;
    }

    /// <summary>Marks <paramref name="activity"/> failed by <paramref name="failure"/>.</summary>
    public static void Failed(Activity? activity, Exception failure)
    {
        activity?.SetStatus(ActivityStatusCode.Error, failure.Message);
        activity?.SetTag("error.type", failure.GetType().FullName);
    }
}

/// <summary>A call in flight: its span (null while nobody traces) and its start (0 while nobody measures).</summary>
internal readonly record struct CallTelemetry(Activity? Activity, long Started);
