using System.Net;
using System.Net.Sockets;
using MeshRpc.IntegrationTests.Infrastructure;

namespace MeshRpc.IntegrationTests.Containment;

/// <summary>
/// A worker granted egress to one destination, on real processes: it reaches that destination and nothing else: not
/// another port of the same host, not the node on any of its addresses (even one the gateway's policy covers), not the
/// gateway or the agent, and it cannot change its own network. Its link goes with it at teardown, and the legitimate
/// caller's worker keeps answering throughout.
/// </summary>
public abstract class EgressTests(EgressFixture fixture)
{
    /// <summary>The fixture.</summary>
    protected EgressFixture Fixture { get; } = fixture;

    [Fact]
    public async Task Reaches_TheListedDestination()
    {
        Fixture.Require();
        var before = EgressFixture.Accepted(Fixture.AllowedHost);

        Assert.Equal("connected", await Fixture.Attacker.ConnectAsync(Fixture.Outside.InsideAddress, Fixture.AllowedPort));

        Assert.True(await Poll.UntilAsync(() => Task.FromResult(EgressFixture.Accepted(Fixture.AllowedHost) > before), TimeSpan.FromSeconds(30)),
            "The test host never saw the worker's connection.");
        await Fixture.AssertLegitimateCallsSucceedAsync();
    }

    [Fact]
    public async Task Refuses_AnotherPortOfTheListedHost()
    {
        Fixture.Require();
        await AssertCannotConnectAsync(Fixture.Outside.InsideAddress, Fixture.OtherPort, Fixture.OtherHost);
        await Fixture.AssertLegitimateCallsSucceedAsync();
    }

    [Fact]
    public async Task Refuses_TheNodeOnAnAddressThePolicyCovers()
    {
        Fixture.Require();
        using var service = new TcpListener(IPAddress.Any, 0);
        service.Start();
        var port = ((IPEndPoint)service.LocalEndpoint).Port;

        // The node's own address on the test host's link lies inside the gateway's cap (10.213.0.0/16), and the
        // service listens on every address: only the node's firewall keeps the worker out.
        var outcome = await Fixture.Attacker.ConnectAsync(Fixture.Outside.HostAddress, port);

        Assert.True(outcome is "HostUnreachable" or "ConnectionRefused" or "NetworkUnreachable", $"The worker reached the node's {Fixture.Outside.HostAddress}:{port}: {outcome}.");
        Assert.False(service.Pending(), "The node's service saw a connection from the worker.");
        await Fixture.AssertLegitimateCallsSucceedAsync();
    }

    [Fact]
    public async Task Refuses_TheGatewayAndTheAgentOnTheNodesLoopback()
    {
        Fixture.Require();
        using var admin = Fixture.Mesh.CreateAdminClient();
        var agent = new Uri((await admin.Gateway.GetServiceRegistryAsync(TestContext.Current.CancellationToken)).Nodes.Single().AgentUrl);

        // 127.0.0.1 inside is the worker's own loopback: nothing of the node listens there.
        foreach (var port in (int[])[Fixture.Mesh.GatewayAddress.Port, agent.Port])
        {
            Assert.NotEqual("connected", await Fixture.Attacker.ConnectAsync("127.0.0.1", port));
        }

        await Fixture.AssertLegitimateCallsSucceedAsync();
    }

    [Fact]
    public async Task AWorkerWithEgress_TrustsExactlyTheNodesRoots_FromTheAgentsBundle()
    {
        Fixture.Require();

        // The probe reports the first line its program writes to standard error: here the bundle and how many roots it holds.
        var seen = await Fixture.Attacker.RunAsync("/bin/sh", ["-c", "echo \"$SSL_CERT_FILE $(grep -c 'BEGIN CERTIFICATE' \"$SSL_CERT_FILE\")\" >&2"]);

        // The agent runs on this machine with this process's environment, so it trusts what this process trusts.
        Assert.Equal($"exit 0: /tmp/trust/roots.pem {MeshRpc.TestWorker.TrustedRoots.Thumbprints().Length}", seen);
    }

    [Fact]
    public async Task AWorkerSummonedWithoutEgress_ReachesNothing_OnTheSameNode()
    {
        Fixture.Require();
        await using var confined = await Fixture.SummonAttackerAsync();

        var outcome = await confined.ConnectAsync(Fixture.Outside.InsideAddress, Fixture.AllowedPort);

        Assert.True(outcome is "NetworkUnreachable" or "HostUnreachable", $"A worker without egress reached the listed destination: {outcome}.");
        await Fixture.AssertLegitimateCallsSucceedAsync();
    }

    [Theory]
    [InlineData("/usr/sbin/ip", new[] { "link", "set", "lo", "down" })]
    [InlineData("/usr/sbin/ip", new[] { "route", "replace", "default", "dev", "lo" })]
    [InlineData("/usr/sbin/nft", new[] { "flush", "ruleset" })]
    public async Task Refuses_ChangingItsOwnNetwork(string program, string[] arguments)
    {
        Fixture.Require();
        Assert.DoesNotMatch("^exit 0:", await Fixture.Attacker.RunAsync(program, arguments));

        // The grant still holds, and still alone.
        Assert.Equal("connected", await Fixture.Attacker.ConnectAsync(Fixture.Outside.InsideAddress, Fixture.AllowedPort));
        Assert.NotEqual("connected", await Fixture.Attacker.ConnectAsync(Fixture.Outside.InsideAddress, Fixture.OtherPort));
        await Fixture.AssertLegitimateCallsSucceedAsync();
    }

    [Fact]
    public async Task Refuses_ASummonAskingForMoreThanThePolicyCovers_BeforeForging()
    {
        Fixture.Require();
        var refused = await Assert.ThrowsAsync<SummonFailedException>(() => Fixture.SummonAttackerAsync("192.0.2.10:443"));

        Assert.Equal(SummonFailureReason.Forbidden, refused.Reason);
        Assert.Contains("192.0.2.10/32:443", refused.Message, StringComparison.Ordinal);
        Assert.Contains("--egress-allow", refused.Message, StringComparison.Ordinal);
        // Refused before forging: the node never heard of the destination (the gateway logs the refusal, naming it).
        Assert.DoesNotContain("192.0.2.10", Fixture.Mesh.AgentLogs, StringComparison.Ordinal);
        await Fixture.AssertLegitimateCallsSucceedAsync();
    }

    [Fact]
    public async Task Teardown_RemovesTheWorkersLink()
    {
        Fixture.Require();
        var before = await LinksAsync();
        var worker = await Fixture.SummonAttackerAsync($"{Fixture.Outside.InsideAddress}:{Fixture.AllowedPort}");
        var during = await LinksAsync();

        await worker.DisposeAsync();

        var added = Assert.Single(during.Except(before));
        Assert.True(await Poll.UntilAsync(async () => !(await LinksAsync()).Contains(added), TimeSpan.FromSeconds(30)), $"Link {added} outlived its worker.");
        await Fixture.AssertLegitimateCallsSucceedAsync();
    }

    private async Task<IReadOnlyList<string>> LinksAsync()
    {
        await using var ip = ChildProcess.StartProgram("/usr/sbin/ip", "-o", "link", "show");
        await ip.WaitForExitAsync(TimeSpan.FromSeconds(30));
        return [.. ip.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(':', 3)[1].Trim().Split('@')[0])
            .Where(name => name.StartsWith(Fixture.Egress.InterfacePrefix + "h", StringComparison.Ordinal))];
    }

    private async Task AssertCannotConnectAsync(string host, int port, ChildProcess listener)
    {
        // The test process reaches it, so it listens: refusing the worker is the node's firewall's doing.
        using (var node = new TcpClient())
        {
            await node.ConnectAsync(host, port, TestContext.Current.CancellationToken);
        }

        Assert.True(await Poll.UntilAsync(() => Task.FromResult(EgressFixture.Accepted(listener) == 1), TimeSpan.FromSeconds(30)), "The test host never saw the test's own connection.");
        var outcome = await Fixture.Attacker.ConnectAsync(host, port);

        Assert.True(outcome is "HostUnreachable" or "ConnectionRefused" or "NetworkUnreachable", $"The worker's connection to {host}:{port} ended with {outcome}.");
        Assert.Equal(1, EgressFixture.Accepted(listener));
    }
}

/// <summary>The egress suite on LXC.</summary>
public sealed class LxcEgressTests(LxcEgress fixture) : EgressTests(fixture), IClassFixture<LxcEgress>;

/// <summary>The egress suite on bubblewrap.</summary>
public sealed class BwrapEgressTests(BwrapEgress fixture) : EgressTests(fixture), IClassFixture<BwrapEgress>;
