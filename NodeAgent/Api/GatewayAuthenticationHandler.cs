using System.Security.Claims;
using System.Text.Encodings.Web;
using MeshRpc.ControlPlane;
using MeshRpc.NodeAgent.Registration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace MeshRpc.NodeAgent.Api;

/// <summary>
/// Authenticates the agent's one client, the gateway it registered with, by the token it handed that gateway
/// (<see cref="NodeIdentity.AgentToken"/>). Anyone else, callers and workers included, is refused with problem+json.
/// </summary>
public sealed class GatewayAuthenticationHandler : AuthenticationHandler<AuthenticationSchemeOptions>
{
    /// <summary>The scheme's name.</summary>
    public const string SchemeName = "Gateway";

    private readonly NodeIdentity _identity;

    /// <summary>Creates the handler.</summary>
    public GatewayAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, NodeIdentity identity)
        : base(options, logger, encoder) => _identity = identity;

    /// <inheritdoc />
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        return Task.FromResult(_identity.IsGateway(header["Bearer ".Length..].Trim())
            ? AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([new Claim("gateway", "registered")], SchemeName)), SchemeName))
            : AuthenticateResult.Fail("not the gateway this node registered with"));
    }

    /// <inheritdoc />
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await Results.Problem(
            detail: "This node agent serves only the gateway it registered with, which presents the agent's token. Call UAH CORE instead.",
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Unauthenticated",
            type: "urn:meshrpc:error:" + MeshErrorCodes.Unauthenticated,
            extensions: new Dictionary<string, object?> { ["code"] = MeshErrorCodes.Unauthenticated }).ExecuteAsync(Context);
    }
}
