using System.Net;
using MeshRpc.ControlPlane;
using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests.Security;

/// <summary>Bearer JWTs from the operator's identity provider: its 'sub' is the caller, its 'scope' the permissions.</summary>
public sealed class JwtAuthTests(JwtMesh mesh) : IClassFixture<JwtMesh>
{
    [Fact]
    public async Task AValidJwt_Summons_AsItsSubject()
    {
        var token = TestJwt.Issue("jwt-alice", "summon:gem", TestJwt.Audience, TestJwt.Key);
        using var client = new MeshClient(mesh.GatewayAddress, MeshCredential.FromTokens(_ => ValueTask.FromResult(token)));

        await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);

        Assert.Equal("jwt", await worker.EchoAsync("jwt"));
        var mine = await client.Gateway.ListWorkersAsync(TestContext.Current.CancellationToken);
        Assert.Equal("jwt-alice", Assert.Single(mine).Owner);
    }

    [Fact]
    public async Task AJwtWithoutTheSourceScope_CannotSummonSource()
    {
        var token = TestJwt.Issue("jwt-bob", "summon:gem", TestJwt.Audience, TestJwt.Key);
        using var client = new MeshClient(mesh.GatewayAddress, MeshCredential.FromKey(token));

        var refused = await Assert.ThrowsAsync<SummonFailedException>(() =>
            client.SummonAsync<ITestWorker>(SummonRequest.FromSource("public sealed class Anything { }"), TestContext.Current.CancellationToken));

        Assert.Equal(SummonFailureReason.Forbidden, refused.Reason);
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("wrong-audience")]
    [InlineData("wrong-issuer")]
    [InlineData("untrusted-key")]
    public async Task Refuses_ABadJwt(string flaw)
    {
        var token = flaw switch
        {
            "expired" => TestJwt.Issue("jwt-eve", "admin", TestJwt.Audience, TestJwt.Key, validFor: TimeSpan.FromMinutes(-10)),
            "wrong-audience" => TestJwt.Issue("jwt-eve", "admin", "another-service", TestJwt.Key),
            "wrong-issuer" => TestJwt.Issue("jwt-eve", "admin", TestJwt.Audience, TestJwt.Key, issuer: "https://evil.test"),
            _ => TestJwt.Issue("jwt-eve", "admin", TestJwt.Audience, signingKey: null),
        };
        using var http = TestCredentials.Http(mesh.GatewayAddress, token);

        using var response = await http.GetAsync("/api/v1/service_registry", TestContext.Current.CancellationToken);

        await Refused.AssertAsync(response, HttpStatusCode.Unauthorized, MeshErrorCodes.Unauthenticated, token);
    }
}
