using System.Net;
using System.Net.Http.Json;
using MeshRpc.ControlPlane;
using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests.Security;

/// <summary>A mesh whose gateway allows egress to 10.213.0.0/16, and whose one node gives workers none (no <c>--egress-subnet</c>).</summary>
public sealed class EgressCapMesh : MeshProcesses
{
    protected override string RequestedSandbox => "process";

    protected override IEnumerable<string> GatewayArguments => ["--egress-allow", "10.213.0.0/16:*"];
}

/// <summary>The gateway's egress policy, on real processes: a summon's destinations are checked before anything is placed or forged.</summary>
public sealed class EgressPolicyTests(EgressCapMesh mesh) : IClassFixture<EgressCapMesh>
{
    [Theory]
    [InlineData("10.213.1.2", "no port")]
    [InlineData("10.213.1.2/16:80", "host bits zero")]
    [InlineData("169.254.169.254:80", "link-local")]
    [InlineData("[::1]:80", "IPv4")]
    public async Task Refuses_AMalformedOrForbiddenDestination_With400ProblemJson(string destination, string problem)
    {
        using var http = TestCredentials.Http(mesh.GatewayAddress, TestCredentials.Caller);
        var contract = MeshContracts.Get<ITestWorker>();

        using var response = await http.PostAsJsonAsync("/api/v2/swarm_spawn_ephemeral",
            new SpawnEphemeralRequest { Contract = contract.Name, ContractHash = contract.Hash, Gem = TestGem.Pointer, Egress = [destination] },
            ControlPlaneJsonContext.Default.SpawnEphemeralRequest, TestContext.Current.CancellationToken);

        var detail = await Refused.AssertAsync(response, HttpStatusCode.BadRequest, MeshErrorCodes.InvalidRequest, TestCredentials.Caller);
        Assert.Contains(problem, detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refuses_ADestinationOutsideThePolicy_With403_NamingIt()
    {
        using var client = mesh.CreateClient();

        var refused = await Assert.ThrowsAsync<SummonFailedException>(() => client.SummonAsync<ITestWorker>(
            SummonRequest.FromGem(TestGem.Pointer) with { Egress = [EgressDestination.Parse("10.213.0.0/16:*"), EgressDestination.Parse("10.214.0.1:443")] },
            TestContext.Current.CancellationToken));

        Assert.Equal(SummonFailureReason.Forbidden, refused.Reason);
        Assert.Contains("does not cover 10.214.0.1/32:443", refused.Message, StringComparison.Ordinal);
        Assert.Contains("allows only 10.213.0.0/16:*", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refuses_MoreThan32Destinations()
    {
        using var client = mesh.CreateClient();
        var many = Enumerable.Range(1, 33).Select(i => EgressDestination.Parse($"10.213.0.{i}:443")).ToList();

        var refused = await Assert.ThrowsAsync<SummonFailedException>(() => client.SummonAsync<ITestWorker>(
            SummonRequest.FromGem(TestGem.Pointer) with { Egress = many }, TestContext.Current.CancellationToken));

        Assert.Equal(SummonFailureReason.InvalidRequest, refused.Reason);
        Assert.Contains("at most 32", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlacesAWorkerWithEgress_OnlyOnANodeThatEnforcesIt()
    {
        using var client = mesh.CreateClient();

        var refused = await Assert.ThrowsAsync<SummonFailedException>(() => client.SummonAsync<ITestWorker>(
            SummonRequest.FromGem(TestGem.Pointer) with { Egress = [EgressDestination.Parse("10.213.0.1:443")] }, TestContext.Current.CancellationToken));

        Assert.Equal(SummonFailureReason.NoNodeAvailable, refused.Reason);
        Assert.Contains("gives workers no egress (its agent runs without --egress-subnet)", refused.Message, StringComparison.Ordinal);

        // Without egress, the same summon is served.
        await using var served = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        Assert.Equal("served", await served.EchoAsync("served"));
    }
}
