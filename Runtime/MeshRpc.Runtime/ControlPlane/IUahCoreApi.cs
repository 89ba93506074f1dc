using Refit;

namespace MeshRpc.ControlPlane;

/// <summary>The gateway's ("UAH CORE") HTTP API, as callers and node agents use it.</summary>
public interface IUahCoreApi
{
    /// <summary>Summons an ephemeral worker and returns its Capability Ticket.</summary>
    [Post("/api/v2/swarm_spawn_ephemeral")]
    Task<SpawnEphemeralResponse> SpawnEphemeralAsync([Body] SpawnEphemeralRequest request, CancellationToken cancellationToken = default);

    /// <summary>Tears a worker down; returns once its sandbox is gone.</summary>
    [Delete("/api/v2/workers/{workerId}")]
    Task TeardownAsync(string workerId, CancellationToken cancellationToken = default);

    /// <summary>Lists the caller's own live workers (an administrator's: every worker).</summary>
    [Get("/api/v2/workers")]
    Task<List<WorkerReport>> ListWorkersAsync(CancellationToken cancellationToken = default);

    /// <summary>Lists nodes and their live workers (administrators only).</summary>
    [Get("/api/v1/service_registry")]
    Task<ServiceRegistry> GetServiceRegistryAsync(CancellationToken cancellationToken = default);

    /// <summary>Publishes a gem archive (zip with <c>manifest.json</c>).</summary>
    [Post("/api/v2/gems")]
    [Headers("Content-Type: application/zip")]
    Task<GemPublished> PublishGemAsync([Body] Stream gemArchive, CancellationToken cancellationToken = default);

    /// <summary>Downloads a gem archive by digest.</summary>
    [Get("/api/v2/gems/{digest}")]
    Task<Stream> DownloadGemAsync(string digest, CancellationToken cancellationToken = default);

    /// <summary>Registers (or re-registers) a node agent; the reply names the key that signs its workers' tickets.</summary>
    [Post("/api/v2/nodes")]
    Task<NodeRegistered> RegisterNodeAsync([Body] NodeRegistration registration, CancellationToken cancellationToken = default);

    /// <summary>Reports a node's live workers; 404 tells the agent to register again.</summary>
    [Post("/api/v2/nodes/{nodeId}/heartbeat")]
    Task<IApiResponse> HeartbeatAsync(string nodeId, [Body] NodeHeartbeat heartbeat, CancellationToken cancellationToken = default);
}
