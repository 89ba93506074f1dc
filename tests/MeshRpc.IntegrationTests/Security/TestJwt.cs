using System.Security.Cryptography;
using MeshRpc.IntegrationTests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MeshRpc.IntegrationTests.Security;

/// <summary>A stand-in for an operator's identity provider: one ES256 key, whose public half the JWT gateway trusts.</summary>
internal static class TestJwt
{
    public const string Issuer = "https://idp.meshrpc.test";
    public const string Audience = "uah-core";

    static TestJwt()
    {
        Key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        PublicKeyFile = Path.Combine(Directory.CreateTempSubdirectory("meshrpc-test-idp-").FullName, "idp-public.pem");
        File.WriteAllText(PublicKeyFile, Key.ExportSubjectPublicKeyInfoPem());
    }

    /// <summary>The provider's signing key.</summary>
    public static ECDsa Key { get; }

    /// <summary>Its public key, as the gateway is given it (<c>--jwt-signing-key</c>).</summary>
    public static string PublicKeyFile { get; }

    /// <summary>
    /// A token for <paramref name="subject"/> with <paramref name="scope"/>, signed by <paramref name="signingKey"/>
    /// (null: a key nobody trusts), expiring <paramref name="validFor"/> from now (in the past when negative).
    /// </summary>
    public static string Issue(string subject, string scope, string audience, ECDsa? signingKey, TimeSpan? validFor = null, string issuer = Issuer)
    {
        var lifetime = validFor ?? TimeSpan.FromMinutes(10);
        var now = DateTime.UtcNow;
        var key = signingKey ?? ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = new Dictionary<string, object> { ["sub"] = subject, ["scope"] = scope },
            NotBefore = lifetime < TimeSpan.Zero ? now + lifetime - TimeSpan.FromMinutes(10) : now.AddMinutes(-1),
            IssuedAt = lifetime < TimeSpan.Zero ? now + lifetime - TimeSpan.FromMinutes(10) : now.AddMinutes(-1),
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key), SecurityAlgorithms.EcdsaSha256),
        });
    }
}

/// <summary>A mesh whose gateway also trusts <see cref="TestJwt"/>'s bearer tokens.</summary>
public sealed class JwtMesh : MeshProcesses
{
    protected override string RequestedSandbox => "process";

    protected override IEnumerable<string> GatewayArguments =>
        ["--jwt-issuer", TestJwt.Issuer, "--jwt-audience", TestJwt.Audience, "--jwt-signing-key", TestJwt.PublicKeyFile];
}
