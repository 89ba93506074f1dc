using System.Net;
using System.Security.Claims;
using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Configuration;
using MeshRpc.Gateway.Gems;
using MeshRpc.Gateway.Registry;
using MeshRpc.Gateway.Relay;
using MeshRpc.Gateway.Security;
using MeshRpc.Gateway.Spawn;
using Microsoft.AspNetCore.Authorization;
using Refit;

namespace MeshRpc.Gateway.Api;

/// <summary>UAH CORE's HTTP API: v1 names kept from the existing system, the ephemeral swarm under v2.</summary>
internal static class GatewayEndpoints
{
    // The endpoints' own lines (registration, teardown) log under one category, the API's.
    private const string LogCategory = "MeshRpc.Gateway.Api";

    public static void MapGatewayApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/service_registry", (NodeRegistry registry) => Results.Ok(Registry(registry)))
            .RequireAuthorization(MeshPermissions.Admin)
            .Produces<ServiceRegistry>()
            .WithSummary("Nodes, their status (live or dead), capacity, live workers, and the workers of dead nodes as lost. Administrators only.");

        app.MapGet("/api/v2/workers", ListWorkersAsync)
            .RequireAuthorization(MeshPolicies.Caller)
            .Produces<List<WorkerReport>>()
            .WithSummary("The caller's own live workers, as their nodes report them; an administrator's: every worker.");

        app.MapPost("/api/v2/nodes", async (NodeRegistration registration, NodeRegistry registry, TicketIssuer tickets, NodeCredentials credentials, GatewayCertificate certificate, GatewayOptions options, ILoggerFactory loggers) =>
        {
            if (!await registry.TryRegisterAsync(registration))
            {
                return MeshProblems.Of(MeshErrorCodes.NodeIdTaken,
                    $"Node {registration.NodeId} is live under another agent. Give this agent another --node-id, or stop the other one: its id is free {options.NodeDeadAfter.TotalSeconds:0.#} s after its last heartbeat.");
            }

            Log.NodeRegistered(loggers.CreateLogger(LogCategory), registration.NodeId, registration.Sandbox, registration.Slots, registration.AgentUrl);

            return Results.Ok(new NodeRegistered(tickets.Signer.KeyId, tickets.Signer.PublicKey)
            {
                NodeCredential = credentials.Issue(registration.NodeId),
                GatewayCertificateSha256 = certificate.Sha256,
            });
        })
            .RequireAuthorization(MeshPermissions.NodeJoin)
            .Produces<NodeRegistered>()
            .Produces<MeshError>(StatusCodes.Status409Conflict, MeshError.MediaType)
            .WithSummary("A node agent joins with its join token (again after a gateway restart); the reply names the ticket-signing key and the node's own credential.");

        app.MapPost("/api/v2/nodes/{nodeId}/heartbeat", async (string nodeId, NodeHeartbeat heartbeat, NodeRegistry registry, NodeRoutes routes, IAuthorizationService authorization, ClaimsPrincipal user, ILoggerFactory loggers) =>
        {
            if (!(await authorization.AuthorizeAsync(user, nodeId, SameNodeRequirement.Instance)).Succeeded)
            {
                return Refusals.Refuse($"This node credential belongs to node {user.FindFirst(MeshClaims.Node)?.Value}, not {nodeId}: a node reports for itself only.");
            }

            switch (await registry.HeartbeatAsync(nodeId, heartbeat))
            {
                case HeartbeatResult.CameAlive:
                    // A node's first heartbeat makes it live: route its relay at once, not at the next periodic refresh.
                    routes.Refresh();
                    Log.NodeLive(loggers.CreateLogger(LogCategory), nodeId);
                    return Results.NoContent();
                case HeartbeatResult.Recorded:
                    return Results.NoContent();
                case HeartbeatResult.ListNeeded:
                    return new GatewayException(MeshErrorCodes.HeartbeatListNeeded,
                        $"Node {nodeId}'s heartbeat changes worker list {heartbeat.BaseVersion ?? heartbeat.ListVersion}, which UAH CORE does not hold; send the list whole.", StatusCodes.Status409Conflict).ToResult();
            }

            return new GatewayException(MeshErrorCodes.NodeNotFound,
                $"Node {nodeId} is not registered; register it again (POST /api/v2/nodes).").ToResult();
        })
            .RequireAuthorization(MeshPolicies.Node)
            .Produces(StatusCodes.Status204NoContent)
            .Produces<MeshError>(StatusCodes.Status404NotFound, MeshError.MediaType)
            .Produces<MeshError>(StatusCodes.Status409Conflict, MeshError.MediaType)
            .WithSummary("A node agent reports its live workers (or what changed since the list it last sent), with its own node credential.");

        app.MapPost("/api/v2/swarm_spawn_ephemeral", (SpawnEphemeralRequest request, HttpContext http, CancellationToken cancellationToken) =>
            SummonAsync(request, pinnedNode: null, http, cancellationToken))
            .RequireAuthorization(MeshPolicies.Caller)
            .RequireRateLimiting(SummonLimits.Policy)
            .Produces<MeshError>(StatusCodes.Status429TooManyRequests, MeshError.MediaType)
            .Produces<SpawnEphemeralResponse>()
            .Produces<MeshError>(StatusCodes.Status400BadRequest, MeshError.MediaType)
            .Produces<MeshError>(StatusCodes.Status404NotFound, MeshError.MediaType)
            .Produces<MeshError>(StatusCodes.Status503ServiceUnavailable, MeshError.MediaType)
            .WithSummary("Summons an ephemeral worker (by gem pointer: summon:gem; by raw source: summon:source) on the best node and returns its Capability Ticket.");

        app.MapPost("/api/v1/lxc_provision", (LxcProvisionRequest request, HttpContext http, CancellationToken cancellationToken) =>
            SummonAsync(request.Spawn, request.NodeId, http, cancellationToken))
            .RequireAuthorization(MeshPermissions.Admin)
            .RequireRateLimiting(SummonLimits.Policy)
            .Produces<SpawnEphemeralResponse>()
            .Produces<MeshError>(StatusCodes.Status403Forbidden, MeshError.MediaType)
            .Produces<MeshError>(StatusCodes.Status404NotFound, MeshError.MediaType)
            .Produces<MeshError>(StatusCodes.Status503ServiceUnavailable, MeshError.MediaType)
            .WithSummary("Provisions a worker directly on a named node (the v1 name, kept), skipping placement. Administrators only.");

        app.MapPost("/api/v2/workers/{workerId}/lifetime", SetLifetimeAsync)
            .RequireAuthorization(MeshPolicies.Caller)
            .Produces<WorkerLifetime>()
            .Produces<MeshError>(StatusCodes.Status400BadRequest, MeshError.MediaType)
            .Produces<MeshError>(StatusCodes.Status404NotFound, MeshError.MediaType)
            .WithSummary("The worker's owner extends (or shortens) its lifetime: it may live lifetimeMs from now, at most the gateway's cap; the reply says when it ends.");

        app.MapDelete("/api/v2/workers/{workerId}", TeardownAsync)
            .RequireAuthorization(MeshPolicies.Caller)
            .Produces(StatusCodes.Status204NoContent)
            .Produces<MeshError>(StatusCodes.Status404NotFound, MeshError.MediaType)
            .WithSummary("Tears one of the caller's workers down; returns once its sandbox is gone.");

        app.MapPost("/api/v2/gems", PublishGemAsync)
            .RequireAuthorization(MeshPermissions.PublishGems)
            .Accepts<byte[]>("application/zip")
            .Produces<GemPublished>()
            .Produces<MeshError>(StatusCodes.Status400BadRequest, MeshError.MediaType)
            .WithSummary("Publishes a gem: a zip with manifest.json and the worker's assemblies, stored under its SHA-256.");

        app.MapGet("/api/v2/gems", (GemStore gems) =>
                Results.Ok(gems.List().Select(g => new GemPublished(g.Digest, g.Manifest.Name, g.Manifest.Version, g.Manifest.Contract, g.Manifest.ContractHash, g.Size)).ToList()))
            .RequireAuthorization(MeshPolicies.Caller)
            .Produces<List<GemPublished>>()
            .WithSummary("Every published gem (name, version, contract, digest, size), for callers choosing what to summon.");

        app.MapGet("/api/v2/gems/{digest}", (string digest, GemStore gems) =>
            gems.Open(digest) is { } stream
                ? Results.Stream(stream, "application/zip")
                : new GatewayException(MeshErrorCodes.GemNotFound, $"No gem with digest {digest} is stored.").ToResult())
            .RequireAuthorization(MeshPolicies.Node)
            .Produces(StatusCodes.Status200OK, contentType: "application/zip")
            .Produces<MeshError>(StatusCodes.Status404NotFound, MeshError.MediaType)
            .WithSummary("Downloads a gem by digest, for joined nodes (which verify what they fetch).");
    }

    private static async Task<IResult> SummonAsync(SpawnEphemeralRequest request, string? pinnedNode, HttpContext http, CancellationToken cancellationToken)
    {
        // Which permission a summon needs depends on what it carries: raw source is arbitrary code.
        var permission = request.SourceCode is null ? MeshPermissions.SummonGem : MeshPermissions.SummonSource;
        var authorization = http.RequestServices.GetRequiredService<IAuthorizationService>();
        if (!(await authorization.AuthorizeAsync(http.User, permission)).Succeeded)
        {
            return Refusals.Forbidden(permission);
        }

        var owner = MeshClaims.OwnerOf(http.User)!;
        var quota = http.RequestServices.GetRequiredService<CallerQuota>();
        using var lease = quota.TryEnter(owner);
        if (lease is null)
        {
            return SummonLimits.TooMany(MeshErrorCodes.QuotaExceeded,
                $"This caller holds {quota.Max} workers, its quota. Tear some down (dispose their proxies), then summon again.");
        }

        var idempotencyKey = http.Request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } sent ? sent : null;
        if (idempotencyKey is not null && !IsIdempotencyKey(idempotencyKey))
        {
            return new GatewayException(MeshErrorCodes.InvalidRequest,
                "The Idempotency-Key header takes 1 to 128 letters, digits, '-' or '_' (the MeshRpc client sends a GUID); send one per summon, the same on a retry.").ToResult();
        }

        var spawn = http.RequestServices.GetRequiredService<SpawnService>();
        var options = http.RequestServices.GetRequiredService<GatewayOptions>();
        try
        {
            return Results.Ok(await spawn.SpawnAsync(request, owner, RelayAddress.BaseFor(options, http.Request), cancellationToken, pinnedNode, idempotencyKey));
        }
        catch (GatewayException ex)
        {
            return ex.ToResult();
        }
    }

    private static bool IsIdempotencyKey(string key) => key.Length <= 128 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static async Task<IResult> ListWorkersAsync(NodeRegistry registry, IAuthorizationService authorization, ClaimsPrincipal user)
    {
        var own = new List<WorkerReport>();
        foreach (var worker in registry.LiveWorkers)
        {
            if ((await authorization.AuthorizeAsync(user, worker, WorkerOwnerRequirement.Instance)).Succeeded)
            {
                own.Add(worker);
            }
        }

        return Results.Ok(own);
    }

    /// <summary>The registry as <c>GET /api/v1/service_registry</c> and the dashboard show it.</summary>
    internal static ServiceRegistry Registry(NodeRegistry registry) => new([
        .. registry.Nodes.Select(n => (Node: n, Live: registry.IsLive(n))).Select(n => new NodeEntry(
            n.Node.Registration.NodeId,
            n.Node.Registration.AgentUrl,
            n.Node.Registration.DataPlaneAddress,
            n.Node.Registration.Sandbox,
            n.Node.Registration.Slots,
            n.Node.Registration.Cores,
            n.Node.Registration.WorkerMemoryMb,
            n.Node.Registration.Labels,
            n.Live ? "live" : "dead",
            n.Node.LastHeartbeat,
            n.Live ? n.Node.Workers : [],
            n.Live ? [] : n.Node.Workers) { WarmHosts = n.Live ? n.Node.WarmHosts : [], Reserved = n.Node.Pending })]);

    private static async Task<IResult> TeardownAsync(
        string workerId, NodeRegistry registry, NodeAgentClients agents, ISummonLedger ledger, IAuthorizationService authorization, ClaimsPrincipal user, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        if (await OwnWorkers.FindAsync(workerId, registry, authorization, user) is not { Node: var node })
        {
            return OwnWorkers.NotFound(workerId);
        }

        try
        {
            await agents.For(node.Registration).DestroyAsync(workerId, cancellationToken);
        }
        catch (ApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            // The worker had already exited on its node: the teardown's goal holds.
        }
        catch (Exception ex) when (ex is ApiExceptionBase or HttpRequestException)
        {
            return new GatewayException(MeshErrorCodes.ForgeFailed,
                $"Node {node.Registration.NodeId} did not confirm the teardown of worker {workerId}: {ex.Message}").ToResult();
        }

        await registry.RemoveWorkerAsync(node.Registration.NodeId, workerId);
        await ledger.ForgetWorkerAsync(workerId);
        Log.TornDown(loggers.CreateLogger(LogCategory), workerId, node.Registration.NodeId, MeshClaims.OwnerOf(user) ?? "an administrator");
        return Results.NoContent();
    }

    private static async Task<IResult> SetLifetimeAsync(
        string workerId, LifetimeRequest request, NodeRegistry registry, NodeAgentClients agents, SpawnService spawn, IAuthorizationService authorization, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (request.LifetimeMs <= 0)
        {
            return new GatewayException(MeshErrorCodes.InvalidRequest, $"lifetimeMs is {request.LifetimeMs}; give the milliseconds the worker may live from now, a positive number.").ToResult();
        }

        if (await OwnWorkers.FindAsync(workerId, registry, authorization, user) is not { Node: var node })
        {
            return OwnWorkers.NotFound(workerId);
        }

        var lifetime = new WorkerLifetime(spawn.EndOfLifetime(request.LifetimeMs));
        try
        {
            await agents.For(node.Registration).SetLifetimeAsync(workerId, lifetime, cancellationToken);
        }
        catch (ApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return OwnWorkers.NotFound(workerId);
        }
        catch (Exception ex) when (ex is ApiExceptionBase or HttpRequestException)
        {
            return new GatewayException(MeshErrorCodes.ForgeFailed, $"Node {node.Registration.NodeId} did not confirm worker {workerId}'s new lifetime: {ex.Message}").ToResult();
        }

        return Results.Ok(lifetime);
    }

    private static async Task<IResult> PublishGemAsync(HttpRequest request, GemStore gems, GatewayOptions options, CancellationToken cancellationToken)
    {
        if (request.ContentLength > options.MaxGemBytes)
        {
            return Invalid($"The gem is {request.ContentLength} bytes; the store accepts at most {options.MaxGemBytes}.", StatusCodes.Status413PayloadTooLarge);
        }

        if (request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.MaxGemBytes;
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        try
        {
            var gem = await gems.PublishAsync(buffer.ToArray(), cancellationToken);
            return Results.Ok(new GemPublished(gem.Digest, gem.Manifest.Name, gem.Manifest.Version, gem.Manifest.Contract, gem.Manifest.ContractHash, gem.Size));
        }
        catch (InvalidDataException ex)
        {
            return Invalid(ex.Message);
        }
    }

    private static IResult Invalid(string message, int? status = null) =>
        MeshProblems.Of(MeshErrorCodes.InvalidRequest, message, status);
}
