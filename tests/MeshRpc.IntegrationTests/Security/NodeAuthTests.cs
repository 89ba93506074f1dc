using System.Net;
using System.Net.Http.Json;
using MeshRpc.ControlPlane;
using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests.Security;

/// <summary>
/// Nodes against the gateway, and everyone against a node agent: only a join token registers a node, a node's
/// credential speaks for that node alone, and an agent serves no one but the gateway it registered with.
/// </summary>
public sealed class NodeAuthTests(ProcessMesh mesh) : IClassFixture<ProcessMesh>
{
    [Fact]
    public async Task Refuses_Registration_WithAForgedJoinToken()
    {
        const string forged = "mesh_aaaaaaaaaaaa_ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";
        using var http = TestCredentials.Http(mesh.GatewayAddress, forged);

        using var response = await http.PostAsJsonAsync("/api/v2/nodes", FakeNode("node-forged"), ControlPlaneJsonContext.Default.NodeRegistration, TestContext.Current.CancellationToken);

        await Refused.AssertAsync(response, HttpStatusCode.Unauthorized, MeshErrorCodes.Unauthenticated, forged);
        await AssertNotRegisteredAsync("node-forged");
    }

    [Fact]
    public async Task AJoinedNode_CannotHeartbeat_ForAnotherNode()
    {
        var credential = await JoinAsync("node-fake-a");
        using var asNode = TestCredentials.Http(mesh.GatewayAddress, credential);

        using var forOther = await asNode.PostAsJsonAsync("/api/v2/nodes/node-it/heartbeat", new NodeHeartbeat([]), ControlPlaneJsonContext.Default.NodeHeartbeat, TestContext.Current.CancellationToken);
        using var forItself = await asNode.PostAsJsonAsync("/api/v2/nodes/node-fake-a/heartbeat", new NodeHeartbeat([]), ControlPlaneJsonContext.Default.NodeHeartbeat, TestContext.Current.CancellationToken);

        var detail = await Refused.AssertAsync(forOther, HttpStatusCode.Forbidden, MeshErrorCodes.Forbidden, credential);
        Assert.Contains("belongs to node node-fake-a, not node-it", detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, forItself.StatusCode);
        await AssertTheMeshServesAsync();
    }

    [Fact]
    public async Task AHeartbeatNamingAListTheGatewayDoesNotHold_GetsA409_AndTheWholeListIsTakenThen()
    {
        var credential = await JoinAsync("node-fake-d");
        using var asNode = TestCredentials.Http(mesh.GatewayAddress, credential);
        var ct = TestContext.Current.CancellationToken;

        using var brief = await asNode.PostAsJsonAsync("/api/v2/nodes/node-fake-d/heartbeat", new NodeHeartbeat(null) { ListVersion = 3 }, ControlPlaneJsonContext.Default.NodeHeartbeat, ct);
        var detail = await Refused.AssertAsync(brief, HttpStatusCode.Conflict, MeshErrorCodes.HeartbeatListNeeded, credential);
        Assert.Contains("send the list whole", detail, StringComparison.Ordinal);

        using var whole = await asNode.PostAsJsonAsync("/api/v2/nodes/node-fake-d/heartbeat", new NodeHeartbeat([]) { ListVersion = 3 }, ControlPlaneJsonContext.Default.NodeHeartbeat, ct);
        using var again = await asNode.PostAsJsonAsync("/api/v2/nodes/node-fake-d/heartbeat", new NodeHeartbeat(null) { ListVersion = 3 }, ControlPlaneJsonContext.Default.NodeHeartbeat, ct);
        Assert.Equal(HttpStatusCode.NoContent, whole.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        await AssertTheMeshServesAsync();
    }

    [Fact]
    public async Task AJoinToken_CannotTakeOver_ALiveNodesId()
    {
        var agent = await AgentUrlAsync();
        using var http = TestCredentials.Http(mesh.GatewayAddress, TestCredentials.JoinToken);

        // An impostor with a valid join token claims the live node's id, to receive its forge requests.
        using var response = await http.PostAsJsonAsync("/api/v2/nodes", FakeNode("node-it"), ControlPlaneJsonContext.Default.NodeRegistration, TestContext.Current.CancellationToken);

        var detail = await Refused.AssertAsync(response, HttpStatusCode.Conflict, MeshErrorCodes.NodeIdTaken, TestCredentials.JoinToken);
        Assert.Contains("Node node-it is live under another agent", detail, StringComparison.Ordinal);
        Assert.Equal(agent, await AgentUrlAsync());
        await AssertTheMeshServesAsync();
    }

    [Fact]
    public async Task ARegisteredNode_GetsNoWork_UntilItsFirstHeartbeat()
    {
        // Until it heartbeats with the credential from the registration's reply, the agent may not know the gateway's
        // certificate yet, and would refuse a forge request: the gateway sends it none.
        var credential = await JoinAsync("node-fake-c");
        Assert.NotEqual("live", await StatusOfAsync("node-fake-c"));

        using var asNode = TestCredentials.Http(mesh.GatewayAddress, credential);
        using var heartbeat = await asNode.PostAsJsonAsync("/api/v2/nodes/node-fake-c/heartbeat", new NodeHeartbeat([]), ControlPlaneJsonContext.Default.NodeHeartbeat, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, heartbeat.StatusCode);
        Assert.Equal("live", await StatusOfAsync("node-fake-c"));
    }

    [Fact]
    public async Task ACallersKey_CannotHeartbeat_OrDownloadGems()
    {
        using var asCaller = TestCredentials.Http(mesh.GatewayAddress, TestCredentials.Caller);
        using var published = TestCredentials.Client(mesh.GatewayAddress, TestCredentials.Caller);
        var digest = (await published.PublishGemAsync(TestGem.Pack(), TestContext.Current.CancellationToken)).Digest;

        using var heartbeat = await asCaller.PostAsJsonAsync("/api/v2/nodes/node-it/heartbeat", new NodeHeartbeat([]), ControlPlaneJsonContext.Default.NodeHeartbeat, TestContext.Current.CancellationToken);
        using var download = await asCaller.GetAsync($"/api/v2/gems/{digest}", TestContext.Current.CancellationToken);

        Assert.Contains("joined nodes", await Refused.AssertAsync(heartbeat, HttpStatusCode.Forbidden, MeshErrorCodes.Forbidden), StringComparison.Ordinal);
        await Refused.AssertAsync(download, HttpStatusCode.Forbidden, MeshErrorCodes.Forbidden);

        // A node's credential does download it.
        using var asNode = TestCredentials.Http(mesh.GatewayAddress, await JoinAsync("node-fake-b"));
        using var allowed = await asNode.GetAsync($"/api/v2/gems/{digest}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    public static TheoryData<string, string, string> AgentRequests => new()
    {
        { "POST", "api/v2/forge", "nothing" },
        { "POST", "api/v2/forge", "caller" },
        { "POST", "api/v2/forge", "join" },
        { "POST", "api/v2/forge", "certificate" },
        { "DELETE", "api/v2/workers/w-anything", "nothing" },
        { "DELETE", "api/v2/workers/w-anything", "certificate" },
        { "GET", "api/v2/workers", "caller" },
        { "GET", "api/v2/workers/w-anything/logs", "nothing" },
        { "GET", "api/v2/workers/w-anything/logs?follow=true", "caller" },
        { "GET", "api/v2/workers/w-anything/logs", "certificate" },
        { "POST", "api/v2/workers/w-anything/lifetime", "nothing" },
        { "POST", "api/v2/workers/w-anything/lifetime", "caller" },
        { "POST", "api/v2/workers/w-anything/lifetime", "certificate" },
        { "GET", "relay/w-anything", "nothing" },
        { "GET", "relay/w-anything", "certificate" },
    };

    [Theory]
    [MemberData(nameof(AgentRequests))]
    public async Task TheAgent_ServesOnlyItsGateway(string method, string path, string presenting)
    {
        var agent = await AgentUrlAsync();
        var credential = presenting switch { "caller" => TestCredentials.Caller, "join" => TestCredentials.JoinToken, _ => null };

        // An impostor that accepts the agent's certificate, as any client can, and presents one of its own, or none.
        using var clientCertificate = presenting == "certificate" ? MeshRpc.Tls.WorkerCertificate.Create() : null;
        var handler = new SocketsHttpHandler();
#pragma warning disable CA5359 // The impostor talks to whatever answers: the agent's identity is not what is under test.
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate;
        }

        using var http = new HttpClient(handler) { BaseAddress = agent };
        if (credential is not null)
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", credential);
        }
        var forge = new ForgeRequest { Contract = MeshContracts.Get<ITestWorker>().Name, SourceCode = "class X { }", HeartbeatTimeoutMs = 10_000 };
        using var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = method == "POST" ? JsonContent.Create(forge, ControlPlaneJsonContext.Default.ForgeRequest) : null,
        };

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        var detail = await Refused.AssertAsync(response, HttpStatusCode.Unauthorized, MeshErrorCodes.Unauthenticated, [.. credential is null ? [] : new[] { credential }]);
        Assert.Contains("serves only the gateway it registered with", detail, StringComparison.Ordinal);
        await AssertTheMeshServesAsync();
    }

    private static NodeRegistration FakeNode(string id) =>
        new() { NodeId = id, AgentUrl = "http://127.0.0.1:9", DataPlaneAddress = "127.0.0.1", Sandbox = "process", Slots = 0, AgentCertificateSha256 = "fake" };

    private async Task<string> JoinAsync(string nodeId)
    {
        using var http = TestCredentials.Http(mesh.GatewayAddress, TestCredentials.JoinToken);
        using var response = await http.PostAsJsonAsync("/api/v2/nodes", FakeNode(nodeId), ControlPlaneJsonContext.Default.NodeRegistration, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var joined = await response.Content.ReadFromJsonAsync(ControlPlaneJsonContext.Default.NodeRegistered, TestContext.Current.CancellationToken);
        Assert.StartsWith("meshnode_", joined!.NodeCredential, StringComparison.Ordinal);
        return joined.NodeCredential;
    }

    private async Task<Uri> AgentUrlAsync()
    {
        using var admin = mesh.CreateAdminClient();
        return new Uri((await admin.Gateway.GetServiceRegistryAsync(TestContext.Current.CancellationToken)).Nodes.Single(n => n.NodeId == "node-it").AgentUrl + "/");
    }

    private async Task<string> StatusOfAsync(string nodeId)
    {
        using var admin = mesh.CreateAdminClient();
        return (await admin.Gateway.GetServiceRegistryAsync(TestContext.Current.CancellationToken)).Nodes.Single(n => n.NodeId == nodeId).Status;
    }

    private async Task AssertNotRegisteredAsync(string nodeId)
    {
        using var admin = mesh.CreateAdminClient();
        Assert.DoesNotContain((await admin.Gateway.GetServiceRegistryAsync(TestContext.Current.CancellationToken)).Nodes, n => n.NodeId == nodeId);
    }

    private async Task AssertTheMeshServesAsync()
    {
        using var client = mesh.CreateClient();
        await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        Assert.Equal("served", await worker.EchoAsync("served"));
    }
}
