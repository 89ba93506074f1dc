using MeshRpc.Client.Calls;

namespace MeshRpc;

/// <summary>Turns the failures of a call into the MeshRpc exceptions callers catch; one place for proxies and calls by name.</summary>
internal static class CallFailures
{
    /// <summary>
    /// The MeshRpc exception for <paramref name="ex"/>, or null when it passes as it is (a cancellation, or an exception
    /// of no known kind). <paramref name="byName"/>: the method was named by a person or tool, not by a generated proxy.
    /// </summary>
    public static MeshRpcException? Translate(WorkerConnection connection, string method, Exception ex, bool byName = false) =>
        Translate(connection.Ticket.WorkerId, connection.EndsAt, method, ex, byName);

    private static MeshRpcException? Translate(string workerId, DateTimeOffset? endsAt, string method, Exception ex, bool byName) => ex switch
    {
        WorkerErrorReplyException { MethodNotFound: true } => new CallRefusedException(byName
            ? $"Worker {workerId} has no method '{method}' taking these arguments. Name a method of its contract by its wire name (the C# name without 'Async', " +
              "Add for AddAsync; with its parameter types when it is overloaded, Add(int,int); or the name its [MeshMethod] gives), with one JSON value per parameter."
            : $"Worker {workerId} does not serve '{method}'. Caller and worker were built from different contracts; rebuild both.", ex),
        WorkerErrorReplyException { Code: Wire.Protocol.RequestCanceledCode } => null,
        WorkerErrorReplyException reply => new RemoteWorkerException(reply.ErrorData?.TypeName ?? "unknown", reply.ErrorData?.Message ?? reply.Message, reply.ErrorData?.StackTrace, reply),
        ConnectionLostException when endsAt <= DateTimeOffset.UtcNow.AddSeconds(2) => new WorkerLostException(workerId,
            $"The connection to worker {workerId} was lost during '{method}': the worker reached the end of its lifetime at {endsAt:O}. " +
            "Summon it with a longer MaxLifetime, or extend it (ExtendAsync) before then.", ex),
        ConnectionLostException => new WorkerLostException(workerId,
            $"The connection to worker {workerId} was lost during '{method}': the worker exited, was torn down, or its node died.", ex),
        ObjectDisposedException => new WorkerLostException(workerId,
            $"'{method}' was called on a connection to worker {workerId} after it was disposed; summon a new worker.", ex),
        _ => null,
    };
}
