using System.Security.Cryptography;
using MeshRpc.Gateway.Configuration;
using MeshRpc.Gateway.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers UAH CORE's authentication (API keys, bearer JWTs) and authorization (one policy per permission).</summary>
public static class MeshSecurityServiceCollectionExtensions
{
    /// <summary>The default scheme: picks the API key handler for <c>mesh_</c> credentials and the JWT handler for the rest.</summary>
    public const string CallerScheme = "MeshCaller";

    /// <summary>Adds authentication and authorization as <see cref="GatewayOptions"/> and <see cref="JwtIssuerOptions"/> configure them.</summary>
    public static IServiceCollection AddMeshSecurity(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(provider => provider.GetRequiredService<GatewayOptions>().ApiKeysFile is { } file ? ApiKeyStore.Load(file) : ApiKeyStore.Empty);
        services.TryAddSingleton<NodeCredentials>();
        var authentication = services.AddAuthentication(CallerScheme)
            .AddPolicyScheme(CallerScheme, "API key or JWT", scheme => scheme.ForwardDefaultSelector = context =>
                BearerCredential.Of(context.Request) is { } credential && ApiKeyAuthenticationHandler.Handles(credential)
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : JwtBearerDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        authentication.AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<JwtIssuerOptions>>((jwt, issuer) => ConfigureJwt(jwt, issuer.Value));

        // Whatever endpoint names no policy still needs an authenticated caller; only those marked anonymous are open.
        var authenticated = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
        services.AddAuthorizationBuilder().SetDefaultPolicy(authenticated).SetFallbackPolicy(authenticated);
        services.Configure<AuthorizationOptions>(MeshPolicies.Add);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, PermissionHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, NodeHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, WorkerOwnerHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, SameNodeHandler>());
        services.Replace(ServiceDescriptor.Singleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, Refusals>());
        return services;
    }

    private static void ConfigureJwt(JwtBearerOptions jwt, JwtIssuerOptions issuer)
    {
        // The claims stay as the identity provider wrote them: 'sub' and 'scope', not .NET's long URIs.
        jwt.MapInboundClaims = false;
        if (!issuer.IsConfigured)
        {
            // No identity provider configured: no JWT validates, API keys still do.
            jwt.TokenValidationParameters = new TokenValidationParameters { ValidateIssuerSigningKey = true, IssuerSigningKeys = [] };
            return;
        }

        jwt.Authority = issuer.Authority;
        jwt.RequireHttpsMetadata = issuer.Authority?.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ?? false;
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = issuer.Issuer,
            ValidAudience = issuer.Audience,
            ValidateIssuer = issuer.Issuer is not null,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireSignedTokens = true,
            NameClaimType = MeshRpc.Gateway.Security.MeshClaims.Subject,
            IssuerSigningKey = issuer.SigningKeyFile is { } file ? PublicKey(file) : null,
        };
    }

    // A PEM public key, EC or RSA (their SubjectPublicKeyInfo headers read alike).
    private static SecurityKey PublicKey(string pemFile)
    {
        var pem = File.ReadAllText(pemFile);
        var ec = ECDsa.Create();
        try
        {
            ec.ImportFromPem(pem);
            return new ECDsaSecurityKey(ec);
        }
        catch (CryptographicException)
        {
            ec.Dispose();
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return new RsaSecurityKey(rsa);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            rsa.Dispose();
            throw new InvalidOperationException($"--jwt-signing-key {pemFile} holds no EC or RSA public key in PEM form.", ex);
        }
    }
}
