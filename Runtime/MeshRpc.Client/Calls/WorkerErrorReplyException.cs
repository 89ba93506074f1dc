using MeshRpc.Wire;

namespace MeshRpc;

/// <summary>
/// The error a worker answered a call with (a JSON-RPC error object), as the inner exception of the MeshRpc exception
/// the call throws: its code says what kind of failure it was (<see cref="Wire.Protocol.MethodNotFoundCode"/> and the like).
/// </summary>
public sealed class WorkerErrorReplyException : Exception
{
    internal WorkerErrorReplyException(int code, string message, CallErrorData? data)
        : base(message)
    {
        Code = code;
        ErrorData = data;
    }

    /// <summary>The JSON-RPC error code.</summary>
    public int Code { get; }

    /// <summary>What the worker said about the exception it caught: its type, message and (with diagnostics on) stack.</summary>
    internal CallErrorData? ErrorData { get; }

    /// <summary>Whether the worker serves no such method, or none taking these arguments.</summary>
    public bool MethodNotFound => Code is Wire.Protocol.MethodNotFoundCode or Wire.Protocol.InvalidParamsCode;
}
