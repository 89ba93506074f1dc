using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using MeshRpc.ControlPlane;
using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.IntegrationTests.Security;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests;

/// <summary>
/// A peer that does not answer at all (nothing listens on its port) is a clear error naming it, never a 500, a crash
/// or a raw HTTP-library exception: a caller whose gateway is gone, a gateway whose node agent is gone, an agent whose
/// gateway is gone (it keeps running and retries).
/// </summary>
public sealed class UnreachablePeerTests(ProcessMesh mesh) : IClassFixture<ProcessMesh>
{
    [Fact]
    public async Task ACaller_WhoseGatewayIsGone_GetsGatewayUnavailable_NamingTheAddress()
    {
        var gone = new Uri($"http://127.0.0.1:{ClosedPort()}/");
        using var client = TestCredentials.Client(gone, TestCredentials.Caller);

        var summon = await Assert.ThrowsAsync<SummonFailedException>(() =>
            client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken));
        var teardown = await Assert.ThrowsAsync<TeardownFailedException>(() => client.TeardownAsync("w-any", TestContext.Current.CancellationToken));

        Assert.Equal(SummonFailureReason.GatewayUnavailable, summon.Reason);
        Assert.Contains($"Could not reach UAH CORE at {gone}", summon.Message, StringComparison.Ordinal);
        Assert.Contains("Could not confirm that worker w-any was torn down", teardown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGateway_WhoseNodeAgentIsGone_Answers502ForgeFailed_NamingTheNode()
    {
        // A node joins and heartbeats, then its agent is gone: nothing listens at its address any more.
        var agentUrl = $"https://127.0.0.1:{ClosedPort()}";
        using var join = TestCredentials.Http(mesh.GatewayAddress, TestCredentials.JoinToken);
        using var joined = await join.PostAsJsonAsync("/api/v2/nodes",
            new NodeRegistration { NodeId = "node-gone", AgentUrl = agentUrl, DataPlaneAddress = "127.0.0.1", Sandbox = "process", Slots = 2, AgentCertificateSha256 = "gone" },
            ControlPlaneJsonContext.Default.NodeRegistration, TestContext.Current.CancellationToken);
        var credential = (await joined.Content.ReadFromJsonAsync(ControlPlaneJsonContext.Default.NodeRegistered, TestContext.Current.CancellationToken))!.NodeCredential;
        using var asNode = TestCredentials.Http(mesh.GatewayAddress, credential);
        (await asNode.PostAsJsonAsync("/api/v2/nodes/node-gone/heartbeat", new NodeHeartbeat([]), ControlPlaneJsonContext.Default.NodeHeartbeat, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();

        using var admin = TestCredentials.Http(mesh.GatewayAddress, TestCredentials.Admin);
        using var client = mesh.CreateClient();
        await client.PublishGemAsync(TestGem.Pack(), TestContext.Current.CancellationToken);
        var contract = MeshContracts.Get<ITestWorker>();
        using var response = await admin.PostAsJsonAsync("/api/v1/lxc_provision",
            new LxcProvisionRequest("node-gone", new SpawnEphemeralRequest { Contract = contract.Name, ContractHash = contract.Hash, Gem = TestGem.Pointer }),
            ControlPlaneJsonContext.Default.LxcProvisionRequest, TestContext.Current.CancellationToken);

        var detail = await Refused.AssertAsync(response, HttpStatusCode.BadGateway, MeshErrorCodes.ForgeFailed, TestCredentials.Admin);
        Assert.Contains($"Node node-gone at {agentUrl} is unreachable", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAgent_WhoseGatewayIsGone_KeepsRunning_AndRetries()
    {
        var gone = new Uri($"http://127.0.0.1:{ClosedPort()}/");
        var work = Directory.CreateTempSubdirectory("meshrpc-orphan-agent-").FullName;
        try
        {
            await using var agent = ChildProcess.Start("MeshRpc.NodeAgent.dll",
                "--gateway", gone.ToString(), "--node-id", "node-orphan", "--work-dir", work, "--sandbox", "process", "--join-token", TestCredentials.JoinToken);

            // Two failed attempts a heartbeat interval apart: the agent outlived the first, and says what is wrong.
            await agent.WaitForTextAsync($"UAH CORE at {gone} is unreachable; the node keeps its workers and retries", TimeSpan.FromSeconds(60), occurrence: 2);

            Assert.False(agent.HasExited, agent.Output);
            Assert.DoesNotContain(TestCredentials.JoinToken, agent.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    // A loopback port nothing listens on: bound, then released.
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
