using MeshRpc.ControlPlane;
using Microsoft.AspNetCore.Authorization;

namespace MeshRpc.Gateway.Security;

/// <summary>Needs the worker (the resource) to be the caller's own, or the caller to be an administrator.</summary>
public sealed record WorkerOwnerRequirement : IAuthorizationRequirement
{
    /// <summary>The one instance.</summary>
    public static WorkerOwnerRequirement Instance { get; } = new();
}

/// <summary>Grants <see cref="WorkerOwnerRequirement"/> for a worker the caller summoned.</summary>
public sealed class WorkerOwnerHandler : AuthorizationHandler<WorkerOwnerRequirement, WorkerReport>
{
    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, WorkerOwnerRequirement requirement, WorkerReport resource)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(resource);
        if (MeshClaims.MayActOn(context.User, resource.Owner))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>Needs the node credential to be the node named (the resource: its id), or the caller to be an administrator.</summary>
public sealed record SameNodeRequirement : IAuthorizationRequirement
{
    /// <summary>The one instance.</summary>
    public static SameNodeRequirement Instance { get; } = new();
}

/// <summary>Grants <see cref="SameNodeRequirement"/> to the node itself.</summary>
public sealed class SameNodeHandler : AuthorizationHandler<SameNodeRequirement, string>
{
    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, SameNodeRequirement requirement, string resource)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.User.FindFirst(MeshClaims.Node)?.Value == resource || MeshClaims.Has(context.User, MeshPermissions.Admin))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
