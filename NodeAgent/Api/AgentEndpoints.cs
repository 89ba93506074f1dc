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
                return Problem(StatusOf(ex.Code), ex.Code, ex.Message, ex.Diagnostics);
            }
        });

        app.MapDelete("/api/v2/workers/{workerId}", async (string workerId, WorkerTable workers) =>
            await workers.DestroyAsync(workerId)
                ? Results.NoContent()
                : Problem(StatusCodes.Status404NotFound, MeshErrorCodes.WorkerNotFound, $"No worker {workerId} runs on this node; it may have exited already."));

        app.MapGet("/api/v2/workers", (WorkerTable workers) => Results.Ok(workers.Reports()));
    }

    /// <summary>The agent's error replies, problem+json like the gateway's.</summary>
    public static IResult Problem(int status, string code, string detail, IReadOnlyList<SourceDiagnostic>? diagnostics = null) =>
        Results.Json(MeshError.Of(code, status, detail, diagnostics), ControlPlaneJsonContext.Default.MeshError, MeshError.MediaType, status);

    private static int StatusOf(string code) => code switch
    {
        MeshErrorCodes.GemNotFound => StatusCodes.Status404NotFound,
        MeshErrorCodes.InvalidRequest or MeshErrorCodes.ContractMismatch or MeshErrorCodes.CompileFailed => StatusCodes.Status400BadRequest,
        MeshErrorCodes.NoNodeAvailable => StatusCodes.Status503ServiceUnavailable,
        MeshErrorCodes.NotSupported => StatusCodes.Status403Forbidden,
        _ => StatusCodes.Status502BadGateway,
    };
}
