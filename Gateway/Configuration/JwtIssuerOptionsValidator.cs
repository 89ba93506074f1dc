using Microsoft.Extensions.Options;

namespace MeshRpc.Gateway.Configuration;

/// <summary>Refuses, at start-up, a JWT configuration that names no way to check a token's signature or audience.</summary>
public sealed class JwtIssuerOptionsValidator : IValidateOptions<JwtIssuerOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, JwtIssuerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.IsConfigured)
        {
            return ValidateOptionsResult.Success;
        }

        if (options.Audience is null || (options.Authority is null) == (options.SigningKeyFile is null) || (options.SigningKeyFile is not null && options.Issuer is null))
        {
            return ValidateOptionsResult.Fail(
                "JWT authentication needs --jwt-audience and either --jwt-authority (OpenID Connect) or --jwt-signing-key with --jwt-issuer.");
        }

        return options.SigningKeyFile is { } file && !File.Exists(file)
            ? ValidateOptionsResult.Fail($"--jwt-signing-key names {file}, which does not exist.")
            : ValidateOptionsResult.Success;
    }
}
