using MeshRpc.ControlPlane;
using MeshRpc.NodeAgent.Configuration;
using Microsoft.AspNetCore.Diagnostics;

namespace MeshRpc.NodeAgent.Api;

/// <summary>
/// A fault of the agent's own (a step no <see cref="Forge.ForgeException"/> covers, a service that cannot be made)
/// answers the gateway with problem+json <c>forge_failed</c> naming the node and the kind of fault, so the caller learns
/// where to look instead of seeing a bare HTTP 500. The exception itself, which may name the node's paths, goes to the
/// agent's log only.
/// </summary>
internal sealed class AgentFaultHandler(NodeAgentOptions options, ILogger<AgentFaultHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var request = httpContext.Request.Method + " " + httpContext.Request.Path;
        Log.Fault(logger, request, exception);
        await AgentEndpoints.Problem(MeshErrorCodes.ForgeFailed,
            $"Node {options.NodeId} failed at {request} ({exception.GetType().Name}); the node agent's log says why.")
            .ExecuteAsync(httpContext);
        return true;
    }
}
