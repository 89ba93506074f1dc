using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Security;

namespace MeshRpc.Gateway.Api;

/// <summary>Issuing API keys and join tokens while the gateway runs (<c>x-hauki-core token create</c>), for administrators.</summary>
internal static class KeyEndpoints
{
    public static void MapKeyApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v2/keys", (ApiKeyRequest request, ApiKeyStore keys) =>
        {
            if (!keys.CanIssue)
            {
                return new GatewayException(MeshErrorCodes.NotSupported,
                    "This gateway keeps no API key store (it runs without --api-keys): its callers prove themselves with JWTs from the operator's identity provider.").ToResult();
            }

            if (string.IsNullOrWhiteSpace(request.Owner))
            {
                return Invalid("owner is required: it names whom the key stands for, and owns the workers the key summons.");
            }

            if (request.Permissions is not { Count: > 0 } permissions)
            {
                return Invalid($"permissions is required: one or more of {string.Join(", ", MeshPermissions.All)}.");
            }

            if (permissions.Except(MeshPermissions.All, StringComparer.Ordinal).ToList() is { Count: > 0 } unknown)
            {
                return Invalid($"Unknown permission(s) {string.Join(", ", unknown)}; use {string.Join(", ", MeshPermissions.All)}.");
            }

            var key = keys.Issue(request.Owner, permissions);
            return Results.Ok(new ApiKeyIssued(key, request.Owner, permissions));
        })
            .RequireAuthorization(MeshPermissions.Admin)
            .Produces<ApiKeyIssued>()
            .Produces<MeshError>(StatusCodes.Status400BadRequest, MeshError.MediaType)
            .Produces<MeshError>(StatusCodes.Status403Forbidden, MeshError.MediaType)
            .WithSummary("Issues an API key (or, with node:join alone, a join token) into the gateway's key store; the reply is the only time the key is seen. Administrators only.");
    }

    private static IResult Invalid(string message) => new GatewayException(MeshErrorCodes.InvalidRequest, message).ToResult();
}
