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
                return Results.Json(new MeshError(ex.Code, ex.Message) { Diagnostics = ex.Diagnostics }, ControlPlaneJsonContext.Default.MeshError, statusCode: StatusOf(ex.Code));
            }
        });

        app.MapDelete("/api/v2/workers/{workerId}", async (string workerId, WorkerTable workers) =>
            await workers.DestroyAsync(workerId)
                ? Results.NoContent()
                : Results.Json(
                    new MeshError(MeshErrorCodes.WorkerNotFound, $"No worker {workerId} runs on this node; it may have exited already."),
                    ControlPlaneJsonContext.Default.MeshError,
                    statusCode: StatusCodes.Status404NotFound));

        app.MapGet("/api/v2/workers", (WorkerTable workers) => Results.Ok(workers.Reports()));
    }

    private static int StatusOf(string code) => code switch
    {
        MeshErrorCodes.GemNotFound => StatusCodes.Status404NotFound,
        MeshErrorCodes.InvalidRequest or MeshErrorCodes.ContractMismatch or MeshErrorCodes.CompileFailed => StatusCodes.Status400BadRequest,
        MeshErrorCodes.NoNodeAvailable => StatusCodes.Status503ServiceUnavailable,
        MeshErrorCodes.NotSupported => StatusCodes.Status403Forbidden,
        _ => StatusCodes.Status502BadGateway,
    };
}
