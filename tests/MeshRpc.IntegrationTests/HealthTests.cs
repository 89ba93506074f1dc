using System.Net;
using MeshRpc.ControlPlane;
using MeshRpc.IntegrationTests.Infrastructure;

namespace MeshRpc.IntegrationTests;

/// <summary>
/// <c>/healthz</c> and <c>/readyz</c> of a real gateway and agent, each its own process: live while they serve, ready
/// only while they can do their work, and not ready (503, naming the check and the fix, never a path) as soon as a gem
/// store, a sandbox provider, the nodes or the gateway go.
/// </summary>
public sealed class HealthTests
{
    private static readonly TimeSpan FlipTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AGatewayWithoutNodes_IsLiveButNotReady_AndAnUnwritableGemStore_IsNamed()
    {
        var work = Directory.CreateTempSubdirectory("meshrpc-health-gateway-").FullName;
        var (gateway, address) = await MeshProcesses.StartGatewayAsync(work);
        await using (gateway)
        {
            using var http = Anonymous(address);

            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz", TestContext.Current.CancellationToken)).StatusCode);
            var noNodes = await ReadyAsync(http);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, noNodes.Status);
            Assert.Equal("Unhealthy", Check(noNodes, "live-nodes").Status);
            Assert.Contains("No node agent is live", Check(noNodes, "live-nodes").Description, StringComparison.Ordinal);
            Assert.Equal("Healthy", Check(noNodes, "gem-store").Status);
            Assert.Equal("Healthy", Check(noNodes, "ticket-key").Status);

            // The gem store's folder gone, a file in its place: publishing would fail, and readiness says so.
            var store = Path.Combine(work, "gems");
            Directory.Delete(store, recursive: true);
            await File.WriteAllTextAsync(store, "in the way", TestContext.Current.CancellationToken);
            var broken = await ReadyAsync(http);
            Assert.Equal("Unhealthy", Check(broken, "gem-store").Status);
            Assert.DoesNotContain(work, broken.Body, StringComparison.Ordinal);
        }

        Directory.Delete(work, recursive: true);
    }

    [Fact]
    public async Task AnAgent_IsReady_UntilItsSandboxFolderBreaks_OrItsGatewayIsGone_AndReadyAgainAfter()
    {
        await using var mesh = new LxcMesh();
        await mesh.InitializeAsync();
        using var admin = mesh.CreateAdminClient();
        var agentUrl = (await admin.Gateway.GetServiceRegistryAsync(TestContext.Current.CancellationToken)).Nodes.Single().AgentUrl;
        using var agent = Anonymous(new Uri(agentUrl));
        using var gateway = Anonymous(mesh.GatewayAddress);

        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/healthz", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ReadyAsync(agent)).Status);
        Assert.Equal(HttpStatusCode.OK, (await ReadyAsync(gateway)).Status);

        // The provider's own folder replaced by a file: no sandbox could start.
        var folder = Path.Combine(mesh.AgentDirectory, mesh.Sandbox == "lxc" ? "lxc" : Path.Combine("sandboxes", mesh.Sandbox));
        Directory.Move(folder, folder + ".moved");
        await File.WriteAllTextAsync(folder, "in the way", TestContext.Current.CancellationToken);
        var broken = await ReadyAsync(agent);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, broken.Status);
        Assert.True(Check(broken, "sandbox").Description?.Contains($"The {mesh.Sandbox} sandbox cannot start workers", StringComparison.Ordinal), broken.Body);
        Assert.DoesNotContain(mesh.AgentDirectory, broken.Body, StringComparison.Ordinal);
        File.Delete(folder);
        Directory.Move(folder + ".moved", folder);
        Assert.Equal(HttpStatusCode.OK, (await ReadyAsync(agent)).Status);

        // The gateway gone: within a few missed heartbeats the agent is not ready, and says why; back when it returns.
        mesh.KillGatewayHard();
        Assert.True(await Poll.UntilAsync(async () => (await ReadyAsync(agent)).Status == HttpStatusCode.ServiceUnavailable, FlipTimeout),
            $"The agent stayed ready with its gateway gone.\n{mesh.Logs}");
        var gatewayGone = await ReadyAsync(agent);
        Assert.True(Check(gatewayGone, "gateway").Description?.Contains("UAH CORE is unreachable", StringComparison.Ordinal), gatewayGone.Body);
        await mesh.RestartGatewayAsync();
        Assert.True(await Poll.UntilAsync(async () => (await ReadyAsync(agent)).Status == HttpStatusCode.OK, FlipTimeout),
            $"The agent did not become ready again once its gateway was back.\n{mesh.Logs}");
    }

    private static HttpClient Anonymous(Uri address) => new(new HttpClientHandler
    {
        // The agent's certificate is self-signed and pinned by its gateway; a probe only asks whether it serves.
        ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
    })
    { BaseAddress = address };

    private static async Task<Readiness> ReadyAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/readyz", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return new Readiness(response.StatusCode, body, System.Text.Json.JsonSerializer.Deserialize(body, ControlPlaneJsonContext.Default.HealthAnswer)!);
    }

    private static HealthCheckAnswer Check(Readiness readiness, string name) => Assert.Single(readiness.Answer.Checks, c => c.Name == name);

    private sealed record Readiness(HttpStatusCode Status, string Body, HealthAnswer Answer);
}
