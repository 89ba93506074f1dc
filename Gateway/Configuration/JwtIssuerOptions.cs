using Microsoft.Extensions.Configuration;

namespace MeshRpc.Gateway.Configuration;

/// <summary>
/// Where callers' bearer JWTs come from: an OpenID Connect authority (<c>--jwt-authority</c>, whose keys are
/// discovered), or a public key file (<c>--jwt-signing-key</c>) with an issuer; either way for an audience
/// (<c>--jwt-audience</c>). The token's <c>sub</c> is the caller, its <c>scope</c> the permissions. None set: no JWT
/// authenticates. Checked at start-up by <see cref="JwtIssuerOptionsValidator"/>.
/// </summary>
public sealed record JwtIssuerOptions
{
    /// <summary>The OpenID Connect authority (<c>--jwt-authority</c>).</summary>
    [ConfigurationKeyName("jwt-authority")]
    public string? Authority { get; init; }

    /// <summary>The expected <c>iss</c> (<c>--jwt-issuer</c>).</summary>
    [ConfigurationKeyName("jwt-issuer")]
    public string? Issuer { get; init; }

    /// <summary>The expected <c>aud</c> (<c>--jwt-audience</c>).</summary>
    [ConfigurationKeyName("jwt-audience")]
    public string? Audience { get; init; }

    /// <summary>A PEM file with the issuer's public key, EC or RSA (<c>--jwt-signing-key</c>).</summary>
    [ConfigurationKeyName("jwt-signing-key")]
    public string? SigningKeyFile { get; init; }

    /// <summary>Whether any JWT setting is given: then JWTs authenticate callers.</summary>
    public bool IsConfigured => Authority is not null || Issuer is not null || Audience is not null || SigningKeyFile is not null;
}
