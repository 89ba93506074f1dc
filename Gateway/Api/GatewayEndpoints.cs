using System.Net;
using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Configuration;
using MeshRpc.Gateway.Gems;
using MeshRpc.Gateway.Registry;
using MeshRpc.Gateway.Relay;
using MeshRpc.Gateway.Spawn;
using Refit;

namespace MeshRpc.Gateway.Api;

/// <summary>UAH CORE's HTTP API: v1 names kept from the existing system, the ephemeral swarm under v2.</summary>
internal static class GatewayEndpoints
{
    public static void MapGatewayApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/service_registry", (NodeRegistry registry) => Results.Ok(Registry(registry)))
            .Produces<ServiceRegistry>()
            .WithSummary("Nodes, their status (live or dead), capacity, live workers, and the workers of dead nodes as lost.");

        app.MapGet("/api/v2/workers", (NodeRegistry registry) => Results.Ok(registry.Nodes.Where(registry.IsLive).SelectMany(n => n.Workers).ToList()))
            .Produces<List<WorkerReport>>()
            .WithSummary("Every live worker in the swarm, as its node reports it.");

        app.MapPost("/api/v2/nodes", (NodeRegistration registration, NodeRegistry registry, TicketIssuer tickets, NodeRoutes routes) =>
        {
            registry.Register(registration);

            // Route to the node at once, so its first worker's relay works without waiting for the periodic refresh.
            routes.Refresh();
            return Results.Ok(new NodeRegistered(tickets.Signer.KeyId, tickets.Signer.PublicKey));
        })
            .Produces<NodeRegistered>()
            .WithSummary("A node agent registers (again after a gateway restart); the reply names the ticket-signing key.");

        app.MapPost("/api/v2/nodes/{nodeId}/heartbeat", (string nodeId, NodeHeartbeat heartbeat, NodeRegistry registry) =>
            registry.Heartbeat(nodeId, heartbeat)
                ? Results.NoContent()
                : new GatewayException(MeshErrorCodes.NodeNotFound, StatusCodes.Status404NotFound,
                    $"Node {nodeId} is not registered; register it again (POST /api/v2/nodes).").ToResult())
            .Produces(StatusCodes.Status204NoContent)
            .Produces<MeshError>(StatusCodes.Status404NotFound)
            .WithSummary("A node agent reports its live workers.");

        app.MapPost("/api/v2/swarm_spawn_ephemeral", async (SpawnEphemeralRequest request, SpawnService spawn, GatewayOptions options, HttpRequest http, CancellationToken cancellationToken) =>
        {
            try
            {
                return Results.Ok(await spawn.SpawnAsync(request, RelayAddress.BaseFor(options, http), cancellationToken));
            }
            catch (GatewayException ex)
            {
                return ex.ToResult();
            }
        })
            .Produces<SpawnEphemeralResponse>()
            .Produces<MeshError>(StatusCodes.Status400BadRequest)
            .Produces<MeshError>(StatusCodes.Status404NotFound)
            .Produces<MeshError>(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Summons an ephemeral worker (by gem pointer or raw source) on the best node and returns its Capability Ticket.");

        app.MapPost("/api/v1/lxc_provision", async (LxcProvisionRequest request, SpawnService spawn, GatewayOptions options, HttpRequest http, CancellationToken cancellationToken) =>
        {
            try
            {
                return Results.Ok(await spawn.SpawnAsync(request.Spawn, RelayAddress.BaseFor(options, http), cancellationToken, request.NodeId));
            }
            catch (GatewayException ex)
            {
                return ex.ToResult();
            }
        })
            .Produces<SpawnEphemeralResponse>()
            .Produces<MeshError>(StatusCodes.Status404NotFound)
            .Produces<MeshError>(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Provisions a worker directly on a named node (the v1 name, kept), skipping placement.");

        app.MapDelete("/api/v2/workers/{workerId}", TeardownAsync)
            .Produces(StatusCodes.Status204NoContent)
            .Produces<MeshError>(StatusCodes.Status404NotFound)
            .WithSummary("Tears a worker down; returns once its sandbox is gone.");

        app.MapPost("/api/v2/gems", PublishGemAsync)
            .Accepts<byte[]>("application/zip")
            .Produces<GemPublished>()
            .Produces<MeshError>(StatusCodes.Status400BadRequest)
            .WithSummary("Publishes a gem: a zip with manifest.json and the worker's assemblies, stored under its SHA-256.");

        app.MapGet("/api/v2/gems/{digest}", (string digest, GemStore gems) =>
            gems.Open(digest) is { } stream
                ? Results.Stream(stream, "application/zip")
                : new GatewayException(MeshErrorCodes.GemNotFound, StatusCodes.Status404NotFound, $"No gem with digest {digest} is stored.").ToResult())
            .Produces(StatusCodes.Status200OK, contentType: "application/zip")
            .Produces<MeshError>(StatusCodes.Status404NotFound)
            .WithSummary("Downloads a gem by digest (node agents verify what they fetch).");
    }

    private static ServiceRegistry Registry(NodeRegistry registry) => new([
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
            n.Live ? [] : n.Node.Workers))]);

    private static async Task<IResult> TeardownAsync(string workerId, NodeRegistry registry, NodeAgentClients agents, CancellationToken cancellationToken)
    {
        if (registry.NodeOf(workerId) is not { } node)
        {
            return new GatewayException(MeshErrorCodes.WorkerNotFound, StatusCodes.Status404NotFound,
                $"No node reports worker {workerId}; it was torn down already or its node is gone.").ToResult();
        }

        try
        {
            await agents.For(node.Registration.AgentUrl).DestroyAsync(workerId, cancellationToken);
        }
        catch (ApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            // The worker had already exited on its node: the teardown's goal holds.
        }
        catch (Exception ex) when (ex is ApiException or HttpRequestException)
        {
            return new GatewayException(MeshErrorCodes.ForgeFailed, StatusCodes.Status502BadGateway,
                $"Node {node.Registration.NodeId} did not confirm the teardown of worker {workerId}: {ex.Message}").ToResult();
        }

        registry.RemoveWorker(node.Registration.NodeId, workerId);
        return Results.NoContent();
    }

    private static async Task<IResult> PublishGemAsync(HttpRequest request, GemStore gems, GatewayOptions options, CancellationToken cancellationToken)
    {
        if (request.ContentLength > options.MaxGemBytes)
        {
            return Invalid($"The gem is {request.ContentLength} bytes; the store accepts at most {options.MaxGemBytes}.", StatusCodes.Status413PayloadTooLarge);
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        try
        {
            var gem = await gems.PublishAsync(buffer.ToArray(), cancellationToken);
            return Results.Ok(new GemPublished(gem.Digest, gem.Manifest.Name, gem.Manifest.Version, gem.Manifest.Contract, gem.Size));
        }
        catch (InvalidDataException ex)
        {
            return Invalid(ex.Message, StatusCodes.Status400BadRequest);
        }
    }

    private static IResult Invalid(string message, int status) =>
        new GatewayException(MeshErrorCodes.InvalidRequest, status, message).ToResult();
}
