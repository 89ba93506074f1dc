using System.Security.Claims;
using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Registry;
using MeshRpc.Gateway.Security;
using Microsoft.AspNetCore.Authorization;

namespace MeshRpc.Gateway.Api;

/// <summary>Finding one of the caller's own workers, for the endpoints that act on one (teardown, its output).</summary>
internal static class OwnWorkers
{
    /// <summary>
    /// The worker and its node when the worker runs and <paramref name="user"/> owns it (or is an administrator); null
    /// otherwise. Another caller's worker is answered as if it did not exist: a caller learns nothing of workers not its own.
    /// </summary>
    public static async Task<(NodeState Node, WorkerReport Worker)?> FindAsync(string workerId, NodeRegistry registry, IAuthorizationService authorization, ClaimsPrincipal user) =>
        await registry.NodeOfAsync(workerId) is { } node && node.Workers.FirstOrDefault(w => w.WorkerId == workerId) is { } worker
            ? await OwnedAsync((node, worker), authorization, user)
            : null;

    /// <summary>As <see cref="FindAsync"/>, and also a worker of the caller's that ended while its node still keeps its output.</summary>
    public static async Task<(NodeState Node, WorkerReport Worker)?> FindLiveOrEndedAsync(string workerId, NodeRegistry registry, IAuthorizationService authorization, ClaimsPrincipal user) =>
        await FindAsync(workerId, registry, authorization, user)
        ?? (await registry.FindEndedAsync(workerId) is { } ended ? await OwnedAsync(ended, authorization, user) : null);

    private static async Task<(NodeState Node, WorkerReport Worker)?> OwnedAsync((NodeState Node, WorkerReport Worker) found, IAuthorizationService authorization, ClaimsPrincipal user) =>
        (await authorization.AuthorizeAsync(user, found.Worker, WorkerOwnerRequirement.Instance)).Succeeded ? found : null;

    /// <summary>The answer when <see cref="FindAsync"/> found nothing.</summary>
    public static IResult NotFound(string workerId) =>
        new GatewayException(MeshErrorCodes.WorkerNotFound,
            $"No worker {workerId} of yours is running; it was torn down already, its node is gone, or it is not yours.").ToResult();
}
