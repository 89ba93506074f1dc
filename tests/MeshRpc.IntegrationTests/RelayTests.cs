using System.Net;
using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests;

/// <summary>YARP routes into the swarm, and the WebSocket relay carries calls when the direct endpoint is out of reach.</summary>
public sealed class RelayTests(MeshProcesses mesh) : IClassFixture<MeshProcesses>
{
    [Fact]
    public async Task Ticket_ListsTheRelayThroughTheGateway()
    {
        using var client = mesh.CreateClient();
        var spawned = await client.SpawnAsync(MeshContracts.Get<ITestWorker>(), SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        await client.TeardownAsync(spawned.Ticket.WorkerId, TestContext.Current.CancellationToken);

        var gateway = mesh.GatewayAddress;
        Assert.Equal($"ws://{gateway.Authority}/nodes/node-it/relay/{spawned.Ticket.WorkerId}", spawned.Ticket.Endpoints.Relay);
    }

    [Fact]
    public async Task RelayRoute_CarriesCalls_EndToEndTls()
    {
        using var client = new MeshClient(mesh.GatewayAddress, MeshCredential.FromKey(TestCredentials.Caller)) { ConnectOptions = new WorkerConnectOptions { Route = DataPlaneRoute.Relay } };
        await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        var connection = ((IGhostProxy)worker).Connection;

        Assert.Equal(DataPlaneRoute.Relay, connection.Route);
        Assert.Equal("via relay", await worker.EchoAsync("via relay"));
        Assert.Equal(1, await worker.IncrementAsync());
        Assert.Equal(2, await worker.IncrementAsync());
    }

    [Fact]
    public async Task UnreachableDirectEndpoint_FallsBackToTheRelay()
    {
        using var client = mesh.CreateClient();
        var spawned = await client.SpawnAsync(MeshContracts.Get<ITestWorker>(), SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);

        // The worker's address as a caller behind a firewall sees it: nothing answers there.
        var blocked = spawned.Ticket with { Endpoints = spawned.Ticket.Endpoints with { Direct = "tls://127.0.0.1:1" } };
        await using var worker = await client.ConnectAsync<ITestWorker>(blocked, TestContext.Current.CancellationToken);

        Assert.Equal(DataPlaneRoute.Relay, ((IGhostProxy)worker).Connection.Route);
        Assert.Equal("fell back", await worker.EchoAsync("fell back"));
    }

    [Fact]
    public async Task RelayToAWorkerThatIsGone_IsWorkerLost_NamingBothPaths()
    {
        using var client = mesh.CreateClient();
        var spawned = await client.SpawnAsync(MeshContracts.Get<ITestWorker>(), SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        await client.TeardownAsync(spawned.Ticket.WorkerId, TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<WorkerLostException>(
            () => client.ConnectAsync<ITestWorker>(spawned.Ticket, TestContext.Current.CancellationToken));

        Assert.Contains(spawned.Ticket.Endpoints.Direct, error.Message, StringComparison.Ordinal);
        Assert.Contains(spawned.Ticket.Endpoints.Relay!, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GatewayRoutesTheRelay_ToLiveAgentsOnly()
    {
        using var client = mesh.CreateClient();
        await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        var workerId = ((IGhostProxy)worker).Connection.Ticket.WorkerId;
        using var http = TestCredentials.Http(mesh.GatewayAddress, TestCredentials.Caller);

        // The agent's relay endpoint itself answers a plain GET, naming what it speaks: the route reached it.
        using var routed = await http.GetAsync($"/nodes/node-it/relay/{workerId}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, routed.StatusCode);
        Assert.Contains("WebSocket", await routed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);

        using var unknown = await http.GetAsync($"/nodes/no-such-node/relay/{workerId}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Theory]
    [InlineData("POST", "api/v2/forge")]
    [InlineData("GET", "api/v2/workers")]
    [InlineData("DELETE", "api/v2/workers/w-anything")]
    [InlineData("GET", "api/v2/workers/w-anything/logs")]
    [InlineData("POST", "api/v2/workers/w-anything/lifetime")]
    public async Task GatewayDoesNotRoute_TheAgentsOwnApi(string method, string path)
    {
        using var client = mesh.CreateClient();
        await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        using var http = TestCredentials.Http(mesh.GatewayAddress, TestCredentials.Caller);

        using var request = new HttpRequestMessage(new HttpMethod(method), $"/nodes/node-it/{path}") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("still serving", await worker.EchoAsync("still serving"));
    }
}
