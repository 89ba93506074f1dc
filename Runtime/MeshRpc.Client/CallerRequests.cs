using MeshRpc.Wire;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace MeshRpc;

/// <summary>
/// What each request a caller sends carries beside its call: the caller's trace context (StreamJsonRpc's W3C activity
/// tracing) and what is left of the call's timeout (<see cref="MeshRequest.TimeoutMs"/>). StreamJsonRpc's per-request
/// hook for outgoing requests is this one.
/// </summary>
internal sealed class CallerRequests : IActivityTracingStrategy
{
    private readonly ActivityTracingStrategy _tracing = new();

    public void ApplyOutboundActivity(JsonRpcRequest request)
    {
        _tracing.ApplyOutboundActivity(request);
        if (request is MeshRequest mesh)
        {
            mesh.TimeoutMs = CallDeadline.RemainingMs;
        }
    }

    public IDisposable? ApplyInboundActivity(JsonRpcRequest request) => _tracing.ApplyInboundActivity(request);
}
