using MeshRpc.IntegrationTests.Infrastructure;

namespace MeshRpc.IntegrationTests.Configuration;

/// <summary>
/// The gateway and agent processes refuse bad settings at start-up (options validated on start), naming each and
/// exiting with 2, instead of running with a default, failing later, or printing a stack trace.
/// </summary>
public sealed class StartupTests
{
    [Theory]
    [InlineData("--summon-rate", "fast", "'fast' at 'summon-rate' to type 'System.Int32'")]
    [InlineData("--summon-rate", "0", "--summon-rate takes a positive number, not 0")]
    [InlineData("--heartbeat-timeout-ms", "10", "--heartbeat-timeout-ms takes at least 500 ms")]
    [InlineData("--relay", "maybe", "'maybe' at 'relay' to type 'System.Boolean'")]
    [InlineData("--egress-allow", "10.0.0.0/8", "--egress-allow: Egress destination '10.0.0.0/8' has no port")]
    [InlineData("--public-url", "relay.example", "--public-url takes the gateway's absolute http:// or https:// address")]
    [InlineData("--api-keys", "/nonexistent/keys.json", "--api-keys names /nonexistent/keys.json, which does not exist")]
    [InlineData("--jwt-audience", "mesh", "JWT authentication needs --jwt-audience and either --jwt-authority")]
    [InlineData("--redis", "password=hunter2", "--redis takes the Redis to share state through, as host:port")]
    [InlineData("--redis", "127.0.0.1:9,password=hunter2", "cannot reach Redis at 127.0.0.1:9 (--redis). Start redis-server there")]
    public async Task TheGateway_RefusesABadSetting_NamingIt(string option, string value, string message)
    {
        await using var gateway = ChildProcess.Start("MeshRpc.Gateway.dll", "--urls", "http://127.0.0.1:0", option, value);

        await AssertRefusedAsync(gateway, "UAH CORE cannot start: ", message);
    }

    [Theory]
    [InlineData("--slots", "0", "--slots takes a positive number, not 0")]
    [InlineData("--slots", "many", "'many' at 'slots' to type 'System.Int32'")]
    [InlineData("--warm-pool", "99", "--warm-pool takes a number from 0 to --slots (16), not 99")]
    [InlineData("--sandbox", "docker", "Unknown sandbox 'docker'. Use --sandbox lxc, bwrap, process or auto.")]
    [InlineData("--data-plane", "localhost", "--data-plane takes the IP address workers listen on, not 'localhost'")]
    [InlineData("--compile-timeout-ms", "60000", "--compile-timeout-ms takes a positive number under the worker start timeout")]
    [InlineData("--egress-subnet", "10.231.0.0/30", "--egress-subnet takes an IPv4 network of at least 16 addresses")]
    [InlineData("--urls", "http://127.0.0.1:0", "The node agent serves HTTPS only")]
    [InlineData("--egress-subnet", "10.231.0.0/16", "--egress-subnet needs a sandbox that contains workers and an agent run as root")]
    [InlineData("--fallback-gateways", "http://127.0.0.1:8081,gateway-b", "--fallback-gateways takes other gateways' addresses, comma-separated (http://host:port,...), not 'gateway-b'")]
    public async Task TheAgent_RefusesABadSetting_NamingIt(string option, string value, string message)
    {
        var work = Directory.CreateTempSubdirectory("meshrpc-startup-").FullName;
        try
        {
            await using var agent = ChildProcess.Start("MeshRpc.NodeAgent.dll", "--gateway", "http://127.0.0.1:9/", "--work-dir", work, "--sandbox", "process", option, value);

            await AssertRefusedAsync(agent, "The node agent cannot start: ", message);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task TheAgent_WithoutAGateway_SaysToPassOne()
    {
        await using var agent = ChildProcess.Start("MeshRpc.NodeAgent.dll", "--sandbox", "process");

        await AssertRefusedAsync(agent, "The node agent cannot start: ", "The node agent needs the gateway's address: pass --gateway http://host:port.");
    }

    private static async Task AssertRefusedAsync(ChildProcess process, string prefix, string message)
    {
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exitCode == 2, $"The process exited with {exitCode}:\n{process.Output}");
        Assert.Contains(prefix, process.Output, StringComparison.Ordinal);
        Assert.Contains(message, process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("MESHRPC-LISTENING", process.Output, StringComparison.Ordinal);

        // A setting may carry a secret (Redis's password): the refusal never repeats it.
        Assert.DoesNotContain("hunter2", process.Output, StringComparison.Ordinal);
    }
}
