using StreamJsonRpc.Protocol;

namespace MeshRpc.Wire;

/// <summary>
/// A JSON-RPC request as MeshRpc sends it: with, beside <c>traceparent</c>, the call's timeout (<c>timeoutMs</c>, what is
/// left of it when sent), so the worker knows a cancellation that follows it for the deadline it is.
/// </summary>
public class MeshRequest : JsonRpcRequest
{
    /// <summary>The milliseconds the caller still waits for this call; null when it has no timeout.</summary>
    public int? TimeoutMs { get; set; }
}
