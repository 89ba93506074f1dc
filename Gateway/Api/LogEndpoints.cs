using System.Net.Http.Json;
using System.Security.Claims;
using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Registry;
using MeshRpc.Gateway.Security;
using MeshRpc.Gateway.Spawn;
using Microsoft.AspNetCore.Authorization;
using Refit;

namespace MeshRpc.Gateway.Api;

/// <summary>
/// <c>omega_spool</c>: what a worker printed, for its owner or an administrator, fetched from its node: whole, or
/// followed as server-sent events (one <c>line</c> event per line) until the worker ends.
/// </summary>
internal static class LogEndpoints
{
    public static void MapLogApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v2/workers/{workerId}/logs", ServeAsync)
            .RequireAuthorization(MeshPolicies.Caller)
            .Produces<List<WorkerLogLine>>()
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .Produces<MeshError>(StatusCodes.Status404NotFound, MeshError.MediaType)
            .WithSummary("What one of the caller's workers printed (stdout and stderr, newest lines kept): a JSON array, or with follow=true server-sent events as lines come, until the worker ends.");

        // The existing system's name for the same spool.
        app.MapGet("/api/v1/omega_spool", (string worker, bool? follow, NodeRegistry registry, NodeAgentClients agents, IAuthorizationService authorization, ClaimsPrincipal user, HttpContext http, CancellationToken cancellationToken) =>
                ServeAsync(worker, follow, registry, agents, authorization, user, http, cancellationToken))
            .RequireAuthorization(MeshPolicies.Caller)
            .Produces<List<WorkerLogLine>>()
            .Produces<MeshError>(StatusCodes.Status404NotFound, MeshError.MediaType)
            .WithSummary("omega_spool, the v1 name of GET /api/v2/workers/{workerId}/logs: ?worker=ID[&follow=true].");
    }

    private static async Task<IResult> ServeAsync(
        string workerId, bool? follow, NodeRegistry registry, NodeAgentClients agents, IAuthorizationService authorization, ClaimsPrincipal user, HttpContext http, CancellationToken cancellationToken)
    {
        if (await OwnWorkers.FindLiveOrEndedAsync(workerId, registry, authorization, user) is not { Node: var node })
        {
            return new GatewayException(MeshErrorCodes.WorkerNotFound,
                $"No worker {workerId} of yours runs, or ended while its node still keeps its output: it is not yours, its output is gone, or its node is.").ToResult();
        }

        HttpResponseMessage response;
        try
        {
            response = await agents.For(node.Registration).LogsAsync(workerId, follow == true, cancellationToken);
        }
        catch (Exception ex) when (ex is ApiRequestException or HttpRequestException)
        {
            // Refit's ApiRequestException: the request never got an answer (connection refused, reset, timed out).
            return new GatewayException(MeshErrorCodes.ForgeFailed, $"Node {node.Registration.NodeId} is unreachable: {ex.Message}").ToResult();
        }

        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                var error = MeshError.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
                return new GatewayException(error?.Code ?? MeshErrorCodes.ForgeFailed,
                    $"Node {node.Registration.NodeId} did not serve worker {workerId}'s output: {error?.Detail ?? $"HTTP {(int)response.StatusCode}"}",
                    (int)response.StatusCode is >= 400 and < 500 ? (int)response.StatusCode : StatusCodes.Status502BadGateway).ToResult();
            }
        }

        if (follow != true)
        {
            using (response)
            {
                return Results.Ok(await response.Content.ReadFromJsonAsync(ControlPlaneJsonContext.Default.ListWorkerLogLine, cancellationToken));
            }
        }

        // The node's events, passed on as they come; the headers go out at once, as the node sent its own.
        using (response)
        {
            http.Response.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            await http.Response.StartAsync(cancellationToken);
            await http.Response.Body.FlushAsync(cancellationToken);
            await using var events = await response.Content.ReadAsStreamAsync(cancellationToken);
            await events.CopyToAsync(http.Response.Body, cancellationToken);
        }

        return Results.Empty;
    }
}
