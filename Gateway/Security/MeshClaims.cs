using System.Security.Claims;
using MeshRpc.ControlPlane;

namespace MeshRpc.Gateway.Security;

/// <summary>The claims a caller's principal carries, whichever credential it presented.</summary>
public static class MeshClaims
{
    /// <summary>The caller's identity (a JWT's <c>sub</c>, an API key's owner): it owns the workers it summons.</summary>
    public const string Subject = "sub";

    /// <summary>The node a node credential proves.</summary>
    public const string Node = "node";

    /// <summary>Space-separated permissions (a JWT's <c>scope</c>, an API key's permissions).</summary>
    public const string Scope = "scope";

    /// <summary>The caller's identity, or null for a principal without one.</summary>
    public static string? OwnerOf(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.FindFirst(Subject)?.Value;
    }

    /// <summary>Whether the principal holds <paramref name="permission"/> (or is an administrator).</summary>
    public static bool Has(ClaimsPrincipal user, string permission)
    {
        ArgumentNullException.ThrowIfNull(user);
        var granted = user.FindAll(Scope).SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet(StringComparer.Ordinal);
        return granted.Contains(permission) || granted.Contains(MeshPermissions.Admin);
    }

    /// <summary>Whether the principal may act on a worker owned by <paramref name="owner"/>.</summary>
    public static bool MayActOn(ClaimsPrincipal user, string? owner) =>
        Has(user, MeshPermissions.Admin) || (owner is not null && OwnerOf(user) == owner);
}
