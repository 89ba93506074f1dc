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

        // omega_spool: what a worker printed, whole or followed as server-sent events until the worker has ended.
        app.MapGet("/api/v2/workers/{workerId}/logs", (string workerId, bool? follow, WorkerTable workers, CancellationToken cancellationToken) =>
            workers.SpoolOf(workerId) is not { } spool
                ? Problem(MeshErrorCodes.WorkerNotFound, $"No worker {workerId} runs on this node, and none ended here recently enough for its output to be kept.")
                : follow == true
                    ? TypedResults.ServerSentEvents(spool.FollowAsync(cancellationToken), eventType: "line")
                    : Results.Ok(spool.Lines()));
    }

    /// <summary>The agent's error replies, problem+json like the gateway's, with the code's own status unless <paramref name="status"/> is given.</summary>
    public static IResult Problem(string code, string detail, int? status = null, IReadOnlyList<SourceDiagnostic>? diagnostics = null)
    {
        var error = MeshError.Of(code, detail, status, diagnostics);
        return Results.Json(error, ControlPlaneJsonContext.Default.MeshError, MeshError.MediaType, error.Status);
    }
}
