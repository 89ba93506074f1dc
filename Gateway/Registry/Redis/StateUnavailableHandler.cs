using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Security;
using Microsoft.AspNetCore.Diagnostics;
using StackExchange.Redis;

namespace MeshRpc.Gateway.Registry.Redis;

/// <summary>
/// Any request that needs the shared state while Redis is out of reach answers 503 <c>state_unavailable</c>, saying to
/// retry, instead of a 500. What went wrong with Redis goes to the gateway's log, not to the caller.
/// </summary>
internal sealed class StateUnavailableHandler(ILogger<StateUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not (RedisException or RedisTimeoutException or RedisStateException))
        {
            return false;
        }

        Log.StateUnavailable(logger, httpContext.Request.Method + " " + httpContext.Request.Path, exception.Message);
        await MeshProblems.Of(MeshErrorCodes.StateUnavailable,
            "UAH CORE cannot reach the store it shares the swarm's state through. Retry in a few seconds, or through another gateway.")
            .ExecuteAsync(httpContext);
        return true;
    }
}
