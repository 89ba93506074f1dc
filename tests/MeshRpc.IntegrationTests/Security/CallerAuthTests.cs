using System.Net;
using System.Net.Http.Json;
using MeshRpc.ControlPlane;
using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests.Security;

/// <summary>
/// Callers against UAH CORE's authentication and authorization, on a real gateway and node: requests without a
/// credential, with a forged one, with too few permissions, and against another caller's workers. Each is refused with
/// problem+json naming what is missing, and the legitimate caller's worker keeps serving.
/// </summary>
public sealed class CallerAuthTests(MeshProcesses mesh) : IClassFixture<MeshProcesses>, IDisposable
{
    // Clients outlive the workers they summon: a worker's teardown goes through the client that summoned it.
    private readonly Dictionary<string, MeshClient> _clients = [];

    private const string ForgedKey = "mesh_0123456789ab_00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    public static TheoryData<string, string> AnonymousRequests => new()
    {
        { "POST", "/api/v2/swarm_spawn_ephemeral" },
        { "POST", "/api/v1/lxc_provision" },
        { "DELETE", "/api/v2/workers/w-anything" },
        { "POST", "/api/v2/gems" },
        { "GET", "/api/v2/gems/sha256:0000000000000000000000000000000000000000000000000000000000000000" },
        { "GET", "/api/v2/workers" },
        { "GET", "/api/v1/service_registry" },
        { "POST", "/api/v2/nodes" },
        { "POST", "/api/v2/nodes/node-it/heartbeat" },
        { "GET", "/nodes/node-it/relay/w-anything" },
        { "GET", "/api/v2/gems" },
        { "POST", "/api/v2/keys" },
        { "GET", "/api/v2/tickets/key" },
        { "GET", "/api/v2/workers/w-anything/logs" },
        { "GET", "/api/v2/workers/w-anything/logs?follow=true" },
        { "GET", "/api/v1/omega_spool?worker=w-anything" },
        { "GET", "/api/v2/dashboard/events" },
        { "POST", "/api/v2/workers/w-anything/lifetime" },
        { "GET", "/api/v2/tickets/keys" },
        { "POST", "/api/v2/tickets/key/rotate" },
    };

    [Theory]
    [MemberData(nameof(AnonymousRequests))]
    public async Task Refuses_AnonymousRequest_With401(string method, string path)
    {
        await using var legitimate = await SummonAsync(TestCredentials.Caller);
        using var http = TestCredentials.Http(mesh.GatewayAddress, credential: null);

        using var response = await http.SendAsync(Request(method, path), TestContext.Current.CancellationToken);

        var detail = await Refused.AssertAsync(response, HttpStatusCode.Unauthorized, MeshErrorCodes.Unauthenticated);
        Assert.Contains("Authorization: Bearer", detail, StringComparison.Ordinal);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("served", await legitimate.EchoAsync("served"));
    }

    [Fact]
    public async Task Refuses_AForgedApiKey_WithoutRepeatingIt()
    {
        using var http = TestCredentials.Http(mesh.GatewayAddress, ForgedKey);

        using var response = await http.SendAsync(Request("POST", "/api/v2/swarm_spawn_ephemeral"), TestContext.Current.CancellationToken);

        var detail = await Refused.AssertAsync(response, HttpStatusCode.Unauthorized, MeshErrorCodes.Unauthenticated, ForgedKey, ForgedKey[18..]);
        Assert.Contains("not one this gateway issued", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refuses_AnUnsignedOrForeignJwt()
    {
        // No identity provider is configured for this gateway: no JWT, however well-formed, authenticates.
        var token = TestJwt.Issue("mallory", "summon:gem summon:source admin", TestJwt.Audience, signingKey: null);
        using var http = TestCredentials.Http(mesh.GatewayAddress, token);

        using var response = await http.GetAsync("/api/v2/workers", TestContext.Current.CancellationToken);

        await Refused.AssertAsync(response, HttpStatusCode.Unauthorized, MeshErrorCodes.Unauthenticated, token);
    }

    [Fact]
    public async Task Refuses_SourceSummon_WithoutThatPermission_NamingIt()
    {
        using var client = TestCredentials.Client(mesh.GatewayAddress, TestCredentials.GemOnlyCaller);

        var refused = await Assert.ThrowsAsync<SummonFailedException>(() =>
            client.SummonAsync<ITestWorker>(SummonRequest.FromSource("public sealed class Anything { }"), TestContext.Current.CancellationToken));

        Assert.Equal(SummonFailureReason.Forbidden, refused.Reason);
        Assert.Contains("'summon:source'", refused.Message, StringComparison.Ordinal);

        // The same credential still summons what it may.
        await using var allowed = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        Assert.Equal("gem", await allowed.EchoAsync("gem"));
    }

    [Theory]
    [InlineData("POST", "/api/v2/gems", "gems:publish")]
    [InlineData("GET", "/api/v1/service_registry", "admin")]
    [InlineData("POST", "/api/v1/lxc_provision", "admin")]
    [InlineData("POST", "/api/v2/nodes", "node:join")]
    [InlineData("POST", "/api/v2/keys", "admin")]
    [InlineData("GET", "/api/v2/dashboard/events", "admin")]
    [InlineData("POST", "/api/v2/tickets/key/rotate", "admin")]
    public async Task Refuses_ACallerWithoutThePermission_With403(string method, string path, string permission)
    {
        using var http = TestCredentials.Http(mesh.GatewayAddress, TestCredentials.OtherCaller);

        using var response = await http.SendAsync(Request(method, path), TestContext.Current.CancellationToken);

        var detail = await Refused.AssertAsync(response, HttpStatusCode.Forbidden, MeshErrorCodes.Forbidden, TestCredentials.OtherCaller);
        Assert.Contains($"'{permission}'", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallerA_DoesNotSee_CallerBsWorkers()
    {
        await using var bs = await SummonAsync(TestCredentials.OtherCaller);
        await using var as_ = await SummonAsync(TestCredentials.Caller);
        using var a = TestCredentials.Client(mesh.GatewayAddress, TestCredentials.Caller);
        using var admin = mesh.CreateAdminClient();

        var seenByA = await a.Gateway.ListWorkersAsync(TestContext.Current.CancellationToken);
        var seenByAdmin = await admin.Gateway.ListWorkersAsync(TestContext.Current.CancellationToken);

        Assert.DoesNotContain(seenByA, w => w.WorkerId == WorkerId(bs));
        Assert.Contains(seenByA, w => w.WorkerId == WorkerId(as_) && w.Owner == "caller-a");
        Assert.Contains(seenByAdmin, w => w.WorkerId == WorkerId(bs) && w.Owner == "caller-b");
        Assert.All(seenByA, w => Assert.Equal("caller-a", w.Owner));
    }

    [Theory]
    [InlineData("/api/v2/workers/{0}/logs")]
    [InlineData("/api/v2/workers/{0}/logs?follow=true")]
    [InlineData("/api/v1/omega_spool?worker={0}")]
    public async Task CallerA_CannotRead_CallerBsWorkersOutput(string path)
    {
        await using var bs = await SummonAsync(TestCredentials.OtherCaller);
        using var asA = TestCredentials.Http(mesh.GatewayAddress, TestCredentials.Caller);
        using var asB = TestCredentials.Http(mesh.GatewayAddress, TestCredentials.OtherCaller);
        var url = string.Format(System.Globalization.CultureInfo.InvariantCulture, path, WorkerId(bs));

        using var refused = await asA.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        using var owners = await asB.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);

        // Answered as if it did not exist, as for teardown; its owner reads it.
        await Refused.AssertAsync(refused, HttpStatusCode.NotFound, MeshErrorCodes.WorkerNotFound, TestCredentials.Caller);
        Assert.Equal(HttpStatusCode.OK, owners.StatusCode);
        Assert.Equal("still B's", await bs.EchoAsync("still B's"));
    }

    [Fact]
    public async Task CallerA_CannotTearDown_CallerBsWorker()
    {
        await using var bs = await SummonAsync(TestCredentials.OtherCaller);
        using var http = TestCredentials.Http(mesh.GatewayAddress, TestCredentials.Caller);

        using var response = await http.DeleteAsync($"/api/v2/workers/{WorkerId(bs)}", TestContext.Current.CancellationToken);

        // Answered as if it did not exist: A learns nothing of B's workers.
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("still B's", await bs.EchoAsync("still B's"));
        Assert.Equal(1, await bs.IncrementAsync());
    }

    [Fact]
    public async Task CallerA_CannotConnectTo_CallerBsWorker_WithItsOwnTicket()
    {
        await using var bs = await SummonAsync(TestCredentials.OtherCaller);
        using var a = TestCredentials.Client(mesh.GatewayAddress, TestCredentials.Caller);
        var own = await a.SpawnAsync(MeshContracts.Get<ITestWorker>(), SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        var aimedAtB = own.Ticket with { Endpoints = ((IGhostProxy)bs).Connection.Ticket.Endpoints };

        await Assert.ThrowsAnyAsync<MeshRpcException>(() =>
            WorkerConnection.ConnectAsync(aimedAtB, MeshContracts.Get<ITestWorker>(), new WorkerConnectOptions { Route = DataPlaneRoute.Direct }, TestContext.Current.CancellationToken));

        Assert.Equal("still B's", await bs.EchoAsync("still B's"));
        await a.TeardownAsync(own.Ticket.WorkerId, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Summon_RecordsItsCaller_AsTheWorkersOwner()
    {
        await using var worker = await SummonAsync(TestCredentials.Caller);
        using var admin = mesh.CreateAdminClient();

        var registry = await admin.Gateway.GetServiceRegistryAsync(TestContext.Current.CancellationToken);

        Assert.Equal("caller-a", registry.Nodes.SelectMany(n => n.Workers).Single(w => w.WorkerId == WorkerId(worker)).Owner);
    }

    private static string WorkerId(ITestWorker worker) => ((IGhostProxy)worker).Connection.Ticket.WorkerId;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
    }

    private Task<ITestWorker> SummonAsync(string key)
    {
        if (!_clients.TryGetValue(key, out var client))
        {
            _clients[key] = client = TestCredentials.Client(mesh.GatewayAddress, key);
        }

        return client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
    }

    private static HttpRequestMessage Request(string method, string path)
    {
        var contract = MeshContracts.Get<ITestWorker>();
        var summon = new SpawnEphemeralRequest { Contract = contract.Name, ContractHash = contract.Hash, Gem = TestGem.Pointer.ToString() };
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = path switch
            {
                "/api/v1/lxc_provision" => JsonContent.Create(new LxcProvisionRequest("node-it", summon), ControlPlaneJsonContext.Default.LxcProvisionRequest),
                "/api/v2/gems" => new ByteArrayContent(TestGem.Pack()),
                "/api/v2/keys" => JsonContent.Create(new ApiKeyRequest("mallory", [MeshPermissions.Admin]), ControlPlaneJsonContext.Default.ApiKeyRequest),
                "/api/v2/nodes" => JsonContent.Create(
                    new NodeRegistration { NodeId = "node-x", AgentUrl = "http://127.0.0.1:9", DataPlaneAddress = "127.0.0.1", Sandbox = "process", Slots = 0, AgentCertificateSha256 = "t" },
                    ControlPlaneJsonContext.Default.NodeRegistration),
                _ when path.EndsWith("/heartbeat", StringComparison.Ordinal) => JsonContent.Create(new NodeHeartbeat([]), ControlPlaneJsonContext.Default.NodeHeartbeat),
                _ => JsonContent.Create(summon, ControlPlaneJsonContext.Default.SpawnEphemeralRequest),
            };
        }

        return request;
    }
}
