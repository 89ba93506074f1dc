using MeshRpc.ControlPlane;
using Microsoft.AspNetCore.Authorization;

namespace MeshRpc.Gateway.Security;

/// <summary>The gateway's authorization policies: one per permission, each satisfied by that permission or by admin.</summary>
public static class MeshPolicies
{
    /// <summary>Any authenticated caller: listing and tearing down its own workers.</summary>
    public const string Caller = "caller";

    /// <summary>A joined node, with its own credential: heartbeats (for itself only) and gem downloads.</summary>
    public const string Node = "node";

    /// <summary>Registers <see cref="Caller"/> and a policy named after each of <see cref="MeshPermissions.All"/>.</summary>
    public static void Add(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(Caller, policy => policy.RequireAuthenticatedUser().RequireClaim(MeshClaims.Subject));
        options.AddPolicy(Node, policy => policy.RequireAuthenticatedUser().AddRequirements(new NodeRequirement()));
        foreach (var permission in MeshPermissions.All)
        {
            options.AddPolicy(permission, policy => policy.RequireAuthenticatedUser().AddRequirements(new PermissionRequirement(permission)));
        }
    }
}

/// <summary>Needs one permission (<see cref="MeshPermissions"/>), or admin.</summary>
/// <param name="Permission">The permission.</param>
public sealed record PermissionRequirement(string Permission) : IAuthorizationRequirement;

/// <summary>Needs a joined node's credential (or admin).</summary>
public sealed record NodeRequirement : IAuthorizationRequirement;

/// <summary>Grants a <see cref="NodeRequirement"/> to a node's principal or an administrator.</summary>
public sealed class NodeHandler : AuthorizationHandler<NodeRequirement>
{
    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, NodeRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.User.HasClaim(c => c.Type == MeshClaims.Node) || MeshClaims.Has(context.User, MeshPermissions.Admin))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>Grants a <see cref="PermissionRequirement"/> to a principal whose scope holds it.</summary>
public sealed class PermissionHandler : AuthorizationHandler<PermissionRequirement>
{
    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requirement);
        if (MeshClaims.Has(context.User, requirement.Permission))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
