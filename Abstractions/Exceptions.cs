namespace MeshRpc;

/// <summary>Base of every error MeshRpc raises to a caller.</summary>
public abstract class MeshRpcException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected MeshRpcException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>Why a summon failed.</summary>
public enum SummonFailureReason
{
    /// <summary>The request itself is malformed.</summary>
    InvalidRequest,

    /// <summary>The gem pointer names no published gem.</summary>
    GemNotFound,

    /// <summary>No live node is registered, or none can take the worker.</summary>
    NoNodeAvailable,

    /// <summary>The chosen node could not forge the worker.</summary>
    ForgeFailed,

    /// <summary>The worker's code does not serve the requested contract.</summary>
    ContractMismatch,

    /// <summary>The gateway could not be reached or answered unexpectedly.</summary>
    GatewayUnavailable,

    /// <summary>The summon kind is not supported by this mesh.</summary>
    NotSupported,

    /// <summary>Raw source did not compile; <see cref="SummonFailedException.Diagnostics"/> says where and why.</summary>
    CompileFailed,

    /// <summary>The gateway needs a credential, and the client sent none or one it does not accept.</summary>
    Unauthenticated,

    /// <summary>The credential lacks the permission the summon needs (for example, summoning from raw source).</summary>
    Forbidden,

    /// <summary>The caller summoned faster than its rate, or holds as many workers as its quota allows.</summary>
    TooManyRequests,
}

/// <summary>One compiler diagnostic for summoned source code, with its 1-based position.</summary>
public sealed record SourceDiagnostic(string Id, string Severity, string Message, int Line, int Column)
{
    /// <summary>
    /// The file the position is in: <c>worker.cs</c> for the summoned source, or the name of a file a generator wrote
    /// from it; never a path of the node. Null for a limit the node applies to the whole compilation.
    /// </summary>
    public string? File { get; init; }
}

/// <summary>A summon did not produce a worker.</summary>
public sealed class SummonFailedException : MeshRpcException
{
    /// <summary>Creates the exception.</summary>
    public SummonFailedException(SummonFailureReason reason, string message, Exception? innerException = null, IReadOnlyList<SourceDiagnostic>? diagnostics = null)
        : base(message, innerException)
    {
        Reason = reason;
        Diagnostics = diagnostics ?? [];
    }

    /// <summary>Why the summon failed.</summary>
    public SummonFailureReason Reason { get; }

    /// <summary>For <see cref="SummonFailureReason.CompileFailed"/>: each compiler error, with line and column.</summary>
    public IReadOnlyList<SourceDiagnostic> Diagnostics { get; }
}

/// <summary>The worker is gone: its connection dropped, it was torn down, or its node died.</summary>
public sealed class WorkerLostException : MeshRpcException
{
    /// <summary>Creates the exception.</summary>
    public WorkerLostException(string workerId, string message, Exception? innerException = null)
        : base(message, innerException) => WorkerId = workerId;

    /// <summary>The worker that was lost.</summary>
    public string WorkerId { get; }
}

/// <summary>The worker refused the connection or the call (failed handshake, wrong contract, expired ticket).</summary>
public sealed class CallRefusedException : MeshRpcException
{
    /// <summary>Creates the exception.</summary>
    public CallRefusedException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>A call did not finish within its timeout: the caller stopped waiting, and the worker was told to cancel it.</summary>
public sealed class CallTimeoutException : MeshRpcException
{
    /// <summary>Creates the exception.</summary>
    public CallTimeoutException(string workerId, string method, TimeSpan timeout, Exception? innerException = null)
        : base($"The call to '{method}' on worker {workerId} did not finish within {timeout.TotalMilliseconds:0} ms, its timeout; the worker's cancellation token fired. " +
               "Raise the timeout ([MeshTimeout], MeshCall.Timeout(...) or WorkerConnectOptions.CallTimeout) if the call needs longer.", innerException)
    {
        WorkerId = workerId;
        Method = method;
        Timeout = timeout;
    }

    /// <summary>The worker called.</summary>
    public string WorkerId { get; }

    /// <summary>The method's wire name.</summary>
    public string Method { get; }

    /// <summary>The timeout that passed.</summary>
    public TimeSpan Timeout { get; }
}

/// <summary>The worker's method threw; carries the remote exception's type name and message.</summary>
public sealed class RemoteWorkerException : MeshRpcException
{
    /// <summary>Creates the exception.</summary>
    public RemoteWorkerException(string remoteTypeName, string remoteMessage, string? remoteStackTrace, Exception? innerException = null)
        : base($"The worker threw {remoteTypeName}: {remoteMessage}", innerException)
    {
        RemoteTypeName = remoteTypeName;
        RemoteMessage = remoteMessage;
        RemoteStackTrace = remoteStackTrace;
    }

    /// <summary>Full name of the exception type thrown in the worker.</summary>
    public string RemoteTypeName { get; }

    /// <summary>The remote exception's message.</summary>
    public string RemoteMessage { get; }

    /// <summary>The remote stack, only when the worker runs with diagnostics on.</summary>
    public string? RemoteStackTrace { get; }
}

/// <summary>Teardown could not confirm that the worker's sandbox is gone; it still dies when its heartbeat timeout passes.</summary>
public sealed class TeardownFailedException : MeshRpcException
{
    /// <summary>Creates the exception.</summary>
    public TeardownFailedException(string workerId, string message, Exception? innerException = null)
        : base(message, innerException) => WorkerId = workerId;

    /// <summary>The worker whose teardown failed.</summary>
    public string WorkerId { get; }
}
