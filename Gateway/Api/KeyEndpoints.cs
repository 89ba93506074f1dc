using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Security;
using MeshRpc.Gateway.Spawn;

namespace MeshRpc.Gateway.Api;

/// <summary>
/// Issuing API keys and join tokens while the gateway runs (<c>x-hauki-core token create</c>), for administrators; and
/// the public key tickets are signed with, for anyone who checks a ticket (<c>x-hauki-core ticket inspect</c>).
/// </summary>
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

            try
            {
                var key = keys.Issue(request.Owner, permissions);
                return Results.Ok(new ApiKeyIssued(key, request.Owner, permissions));
            }
            catch (KeyStoreBusyException ex)
            {
                return new GatewayException(MeshErrorCodes.StateUnavailable, ex.Message).ToResult();
            }
        })
            .RequireAuthorization(MeshPermissions.Admin)
            .Produces<ApiKeyIssued>()
            .Produces<MeshError>(StatusCodes.Status400BadRequest, MeshError.MediaType)
            .Produces<MeshError>(StatusCodes.Status403Forbidden, MeshError.MediaType)
            .Produces<MeshError>(StatusCodes.Status503ServiceUnavailable, MeshError.MediaType)
            .WithSummary("Issues an API key (or, with node:join alone, a join token) into the gateway's key store; the reply is the only time the key is seen. Administrators only.");
    }

    public static void MapTicketKey(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v2/tickets/key", (TicketIssuer tickets) => Results.Ok(tickets.Keys.Keys[0]))
            .RequireAuthorization(MeshPolicies.Caller)
            .Produces<TicketKey>()
            .WithSummary("The public key new tickets are signed with (and its id), to check a ticket's signature; public, but for callers only.");

        app.MapGet("/api/v2/tickets/keys", (TicketIssuer tickets) => Results.Ok(tickets.Keys.Keys))
            .RequireAuthorization(MeshPolicies.Caller)
            .Produces<IReadOnlyList<TicketKey>>()
            .WithSummary("The current ticket key, then the previous one (tickets issued before the last rotation name it), each with its id.");

        app.MapPost("/api/v2/tickets/key/rotate", async (TicketIssuer tickets, CancellationToken cancellationToken) => Results.Ok(await tickets.Keys.RotateAsync(cancellationToken)))
            .RequireAuthorization(MeshPermissions.Admin)
            .Produces<TicketKey>()
            .Produces<MeshError>(StatusCodes.Status403Forbidden, MeshError.MediaType)
            .WithSummary("Makes a fresh ticket key current, on every gateway of the swarm; the one before stays valid for the tickets it signed. Administrators only.");
    }

    private static IResult Invalid(string message) => new GatewayException(MeshErrorCodes.InvalidRequest, message).ToResult();
}
