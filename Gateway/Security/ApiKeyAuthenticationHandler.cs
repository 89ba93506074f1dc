using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace MeshRpc.Gateway.Security;

/// <summary>
/// Authenticates the gateway's own bearer credentials: <c>mesh_...</c> API keys against the operator's
/// <see cref="ApiKeyStore"/>, and <c>meshnode_...</c> node credentials against the <see cref="NodeCredentials"/> issued.
/// </summary>
public sealed class ApiKeyAuthenticationHandler : AuthenticationHandler<AuthenticationSchemeOptions>
{
    /// <summary>The scheme's name.</summary>
    public const string SchemeName = "ApiKey";

    private readonly ApiKeyStore _keys;
    private readonly NodeCredentials _nodes;

    /// <summary>Creates the handler.</summary>
    public ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyStore keys, NodeCredentials nodes)
        : base(options, logger, encoder)
    {
        _keys = keys;
        _nodes = nodes;
    }

    /// <summary>Whether <paramref name="credential"/> is one of this handler's (not a JWT).</summary>
    public static bool Handles(string credential) =>
        credential.StartsWith(ApiKeyStore.Prefix, StringComparison.Ordinal) || credential.StartsWith(NodeCredentials.Prefix, StringComparison.Ordinal);

    /// <inheritdoc />
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (BearerCredential.Of(Request) is not { } presented || !Handles(presented))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (presented.StartsWith(NodeCredentials.Prefix, StringComparison.Ordinal))
        {
            return Task.FromResult(_nodes.NodeOf(presented) is { } node
                ? AuthenticateResult.Success(new AuthenticationTicket(
                    new ClaimsPrincipal(new ClaimsIdentity([new Claim(MeshClaims.Node, node)], SchemeName, MeshClaims.Node, null)), SchemeName))
                : AuthenticateResult.Fail("The node credential is not valid here (the gateway may have restarted): the node joins again with its join token."));
        }

        // The key itself never reaches a log or a reply: a wrong key is named only as wrong.
        if (_keys.Find(presented) is not { } key)
        {
            return Task.FromResult(AuthenticateResult.Fail("The API key is not one this gateway issued (or it was revoked). Ask the operator for a key."));
        }

        var identity = new ClaimsIdentity(
            [new Claim(MeshClaims.Subject, key.Owner), new Claim(MeshClaims.Scope, string.Join(' ', key.Permissions)), new Claim("key_id", key.Id)],
            SchemeName, MeshClaims.Subject, null);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}

/// <summary>Reads the credential of <c>Authorization: Bearer ...</c>.</summary>
public static class BearerCredential
{
    /// <summary>The bearer credential of the request, or null.</summary>
    public static string? Of(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }
}
