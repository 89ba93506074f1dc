using System.Net.ServerSentEvents;
using System.Text.Json;
using MeshRpc.ControlPlane;
using MeshRpc.NodeAgent.Forge;
using MeshRpc.NodeAgent.Workers;

namespace MeshRpc.NodeAgent.Api;

/// <summary>The agent's HTTP API, called by the gateway.</summary>
internal static class AgentEndpoints
{
    public static void MapAgentApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v2/forge", async (ForgeRequest request, WorkerForge forge, CancellationToken cancellationToken) =>
        {
            try
            {
                return Results.Ok(await forge.ForgeAsync(request, cancellationToken));
            }
            catch (ForgeException ex)
            {
                return Problem(ex.Code, ex.Message, diagnostics: ex.Diagnostics);
            }
        });

        app.MapDelete("/api/v2/workers/{workerId}", async (string workerId, WorkerTable workers) =>
            await workers.DestroyAsync(workerId)
                ? Results.NoContent()
                : Problem(MeshErrorCodes.WorkerNotFound, $"No worker {workerId} runs on this node; it may have exited already."));

        app.MapGet("/api/v2/workers", (WorkerTable workers) => Results.Ok(workers.Reports()));

        app.MapPost("/api/v2/workers/{workerId}/lifetime", (string workerId, WorkerLifetime lifetime, WorkerTable workers) =>
            workers.SetLifetime(workerId, lifetime.EndsAt)
                ? Results.NoContent()
                : Problem(MeshErrorCodes.WorkerNotFound, $"No worker {workerId} runs on this node; it may have exited already."));

        // omega_spool: what a worker printed, whole or followed as server-sent events until the worker has ended.
        app.MapGet("/api/v2/workers/{workerId}/logs", async (string workerId, bool? follow, WorkerTable workers, HttpResponse response, CancellationToken cancellationToken) =>
        {
            if (workers.SpoolOf(workerId) is not { } spool)
            {
                return Problem(MeshErrorCodes.WorkerNotFound, $"No worker {workerId} runs on this node, and none ended here recently enough for its output to be kept.");
            }

            if (follow != true)
            {
                return Results.Ok(spool.Lines());
            }

            // The headers go out at once, not with the first line: a quiet worker's follower must not wait for an answer.
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            await response.StartAsync(cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
            await SseFormatter.WriteAsync(
                spool.FollowAsync(cancellationToken).Select(line => new SseItem<WorkerLogLine>(line, "line")),
                response.Body,
                static (item, buffer) =>
                {
                    using var json = new Utf8JsonWriter(buffer);
                    JsonSerializer.Serialize(json, item.Data, ControlPlaneJsonContext.Default.WorkerLogLine);
                },
                cancellationToken);
            return Results.Empty;
        });
    }

    /// <summary>The agent's error replies, problem+json like the gateway's, with the code's own status unless <paramref name="status"/> is given.</summary>
    public static IResult Problem(string code, string detail, int? status = null, IReadOnlyList<SourceDiagnostic>? diagnostics = null)
    {
        var error = MeshError.Of(code, detail, status, diagnostics);
        return Results.Json(error, ControlPlaneJsonContext.Default.MeshError, MeshError.MediaType, error.Status);
    }
}
