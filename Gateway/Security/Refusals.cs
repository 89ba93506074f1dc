using MeshRpc.ControlPlane;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace MeshRpc.Gateway.Security;

/// <summary>
/// The gateway's 401 and 403 replies: problem+json saying what is missing and how to get it, with the stable
/// <c>code</c> of <see cref="MeshErrorCodes"/>. They never repeat the credential presented.
/// </summary>
public sealed class Refusals : IAuthorizationMiddlewareResultHandler
{
    /// <summary>The 401 for a request without a valid credential; <paramref name="reason"/> says what was wrong with the one sent.</summary>
    public static IResult Unauthenticated(string? reason) => MeshProblems.Of(
        MeshErrorCodes.Unauthenticated,
        (reason ?? "The request carries no credential.") +
        " UAH CORE needs 'Authorization: Bearer <credential>', with an API key from the operator or a JWT from the operator's identity provider.");

    /// <summary>The 403 for a credential without <paramref name="permission"/>.</summary>
    public static IResult Forbidden(string permission) => Refuse(
        $"The credential lacks the '{permission}' permission this needs. Ask the operator to grant it (or 'admin').");

    /// <summary>A 403 saying <paramref name="detail"/>.</summary>
    public static IResult Refuse(string detail) => MeshProblems.Of(MeshErrorCodes.Forbidden, detail);

    /// <inheritdoc />
    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(authorizeResult);
        if (authorizeResult.Succeeded)
        {
            await next(context);
            return;
        }

        // The middleware keeps only successful results; the handler has the failure cached for this request.
        var refusal = authorizeResult.Challenged
            ? Unauthenticated((await context.AuthenticateAsync()).Failure?.Message)
            : authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<PermissionRequirement>().FirstOrDefault() is { } missing
                ? Forbidden(missing.Permission)
                : authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<NodeRequirement>().Any() == true
                    ? Refuse("This endpoint serves joined nodes: it needs the node credential a node receives when it registers with its join token.")
                    : Refuse("The credential is not a caller's: it names no subject. Use an API key or a JWT with a 'sub' claim.");
        if (authorizeResult.Challenged)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }

        await refusal.ExecuteAsync(context);
    }
}
