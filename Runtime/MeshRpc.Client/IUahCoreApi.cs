using Refit;

using MeshRpc.ControlPlane;

namespace MeshRpc;

/// <summary>The gateway's ("UAH CORE") HTTP API, as callers use it; node agents have their own view of it.</summary>
public interface IUahCoreApi
{
    /// <summary>
    /// Summons an ephemeral worker and returns its Capability Ticket. The same <paramref name="idempotencyKey"/> sent
    /// again (to any gateway of the swarm) returns the same worker instead of forging another.
    /// </summary>
    [Post("/api/v2/swarm_spawn_ephemeral")]
    Task<SpawnEphemeralResponse> SpawnEphemeralAsync([Body] SpawnEphemeralRequest request, [Header(GatewayFailoverHandler.IdempotencyKeyHeader)] string? idempotencyKey = null, CancellationToken cancellationToken = default);

    /// <summary>Tears a worker down; returns once its sandbox is gone.</summary>
    [Delete("/api/v2/workers/{workerId}")]
    Task TeardownAsync(string workerId, CancellationToken cancellationToken = default);

    /// <summary>Lists the caller's own live workers (an administrator's: every worker).</summary>
    [Get("/api/v2/workers")]
    Task<List<WorkerReport>> ListWorkersAsync(CancellationToken cancellationToken = default);

    /// <summary>What one of the caller's workers printed (omega_spool), newest lines kept.</summary>
    [Get("/api/v2/workers/{workerId}/logs")]
    Task<List<WorkerLogLine>> GetLogsAsync(string workerId, CancellationToken cancellationToken = default);

    /// <summary>
    /// What one of the caller's workers printed and prints from now on, as server-sent events (one <c>line</c> event per
    /// line, its data a <see cref="WorkerLogLine"/>), until the worker ends; the response is the caller's to dispose.
    /// </summary>
    [Get("/api/v2/workers/{workerId}/logs?follow=true")]
    Task<HttpResponseMessage> FollowLogsAsync(string workerId, CancellationToken cancellationToken = default);

    /// <summary>Lists nodes and their live workers (administrators only).</summary>
    [Get("/api/v1/service_registry")]
    Task<ServiceRegistry> GetServiceRegistryAsync(CancellationToken cancellationToken = default);

    /// <summary>Issues an API key or join token into the gateway's key store (administrators only); the reply is the only time the key is seen.</summary>
    [Post("/api/v2/keys")]
    Task<ApiKeyIssued> CreateKeyAsync([Body] ApiKeyRequest request, CancellationToken cancellationToken = default);

    /// <summary>Sets how long one of the caller's workers may live from now (at most the gateway's cap); returns when it ends.</summary>
    [Post("/api/v2/workers/{workerId}/lifetime")]
    Task<WorkerLifetime> SetLifetimeAsync(string workerId, [Body] LifetimeRequest request, CancellationToken cancellationToken = default);

    /// <summary>The public key tickets are signed with, to check a ticket's signature.</summary>
    [Get("/api/v2/tickets/key")]
    Task<TicketKey> GetTicketKeyAsync(CancellationToken cancellationToken = default);

    /// <summary>The ticket keys: the current one, then the previous one (which tickets issued before the last rotation name).</summary>
    [Get("/api/v2/tickets/keys")]
    Task<List<TicketKey>> GetTicketKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>Lists every published gem.</summary>
    [Get("/api/v2/gems")]
    Task<List<GemPublished>> ListGemsAsync(CancellationToken cancellationToken = default);

    /// <summary>Publishes a gem archive (zip with <c>manifest.json</c>).</summary>
    [Post("/api/v2/gems")]
    [Headers("Content-Type: application/zip")]
    Task<GemPublished> PublishGemAsync([Body] Stream gemArchive, CancellationToken cancellationToken = default);
}
