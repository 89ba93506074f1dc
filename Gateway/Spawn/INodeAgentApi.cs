using MeshRpc.ControlPlane;
using Refit;

namespace MeshRpc.Gateway.Spawn;

/// <summary>A node agent's HTTP API, as the gateway uses it.</summary>
public interface INodeAgentApi
{
    /// <summary>Forges a worker in a sandbox and reports where it listens.</summary>
    [Post("/api/v2/forge")]
    Task<ForgeResponse> ForgeAsync([Body] ForgeRequest request, CancellationToken cancellationToken = default);

    /// <summary>What a worker printed (omega_spool): a JSON array, or with <paramref name="follow"/> server-sent events as lines come; the response is the caller's to dispose.</summary>
    [Get("/api/v2/workers/{workerId}/logs")]
    Task<HttpResponseMessage> LogsAsync(string workerId, bool follow, CancellationToken cancellationToken = default);

    /// <summary>Sets when the node tears a worker down.</summary>
    [Post("/api/v2/workers/{workerId}/lifetime")]
    Task SetLifetimeAsync(string workerId, [Body] WorkerLifetime lifetime, CancellationToken cancellationToken = default);

    /// <summary>Kills a worker's sandbox; returns once it is gone.</summary>
    [Delete("/api/v2/workers/{workerId}")]
    Task DestroyAsync(string workerId, CancellationToken cancellationToken = default);
}
