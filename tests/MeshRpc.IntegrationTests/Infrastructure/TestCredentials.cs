using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Security;

namespace MeshRpc.IntegrationTests.Infrastructure;

/// <summary>
/// The operator's side of every mesh the tests start: one API key store, with a key per role. Child processes inherit
/// the join token (agents) and the caller's key (callers such as MeshRpc.TestCaller) through the environment, as an
/// operator would hand them out.
/// </summary>
public static class TestCredentials
{
    static TestCredentials()
    {
        var directory = Directory.CreateTempSubdirectory("meshrpc-test-keys-").FullName;
        StorePath = Path.Combine(directory, "api-keys.json");
        Caller = ApiKeyStore.Create(StorePath, "caller-a", [MeshPermissions.SummonGem, MeshPermissions.SummonSource, MeshPermissions.PublishGems]);
        OtherCaller = ApiKeyStore.Create(StorePath, "caller-b", [MeshPermissions.SummonGem, MeshPermissions.SummonSource]);
        GemOnlyCaller = ApiKeyStore.Create(StorePath, "caller-gems-only", [MeshPermissions.SummonGem]);
        Admin = ApiKeyStore.Create(StorePath, "operator", [MeshPermissions.Admin]);
        JoinToken = ApiKeyStore.Create(StorePath, "node-pool", [MeshPermissions.NodeJoin]);
        Environment.SetEnvironmentVariable("MESHRPC_JOIN_TOKEN", JoinToken);
        Environment.SetEnvironmentVariable(MeshCredential.EnvironmentVariable, Caller);
    }

    /// <summary>The key store every test gateway reads (<c>--api-keys</c>).</summary>
    public static string StorePath { get; }

    /// <summary>The usual caller: summons from gems and source, publishes gems.</summary>
    public static string Caller { get; }

    /// <summary>Another caller, whose workers the first must not see or touch.</summary>
    public static string OtherCaller { get; }

    /// <summary>A caller that may summon gems only.</summary>
    public static string GemOnlyCaller { get; }

    /// <summary>The operator: sees everything.</summary>
    public static string Admin { get; }

    /// <summary>The nodes' join token.</summary>
    public static string JoinToken { get; }

    /// <summary>A client for <paramref name="gateway"/> proving itself with <paramref name="key"/>.</summary>
    public static MeshClient Client(Uri gateway, string key) => new(gateway, MeshCredential.FromKey(key));

    /// <summary>A raw HTTP client for <paramref name="address"/> that presents <paramref name="credential"/> (or nothing).</summary>
    public static HttpClient Http(Uri address, string? credential)
    {
        var http = new HttpClient { BaseAddress = address };
        if (credential is not null)
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", credential);
        }

        return http;
    }
}
