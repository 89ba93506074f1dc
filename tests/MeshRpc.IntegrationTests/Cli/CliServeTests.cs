using System.Text.Json;
using MeshRpc.ControlPlane;
using MeshRpc.IntegrationTests.Infrastructure;

namespace MeshRpc.IntegrationTests.Cli;

/// <summary><c>x-hauki-core gateway</c> and <c>x-hauki-core agent</c>: each part of a mesh as a process of its own, joined the operator's way.</summary>
public sealed class CliServeTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AGatewayAndAnAgent_StartedByTheTool_MakeAMeshWhoseNodeIsLive()
    {
        var work = Directory.CreateTempSubdirectory("meshrpc-cli-serve-").FullName;
        try
        {
            // The agent's join token comes from MESHRPC_JOIN_TOKEN, which TestCredentials sets for every child process.
            await using var gateway = ChildProcess.Start("x-hauki-core.dll",
                "gateway", "--urls", "http://127.0.0.1:0", "--api-keys", TestCredentials.StorePath, "--gem-store", Path.Combine(work, "gems"));
            var address = await gateway.WaitForLineAsync("MESHRPC-LISTENING", StartTimeout);
            await using var agent = ChildProcess.Start("x-hauki-core.dll",
                "agent", "--gateway", address, "--node-id", "node-cli", "--work-dir", Path.Combine(work, "agent"), "--sandbox", "process");
            await agent.WaitForLineAsync("MESHRPC-LISTENING", StartTimeout);

            CliRun? nodes = null;
            Assert.True(await Poll.UntilAsync(async () =>
                (nodes = await CliRun.RunAsync(address, TestCredentials.Admin, "nodes", "--json")).ExitCode == 0
                && JsonSerializer.Deserialize<ServiceRegistry>(nodes.Output, ControlPlaneJsonContext.Default.Options)!.Nodes.Any(n => n.NodeId == "node-cli" && n.Status == "live")),
                $"The agent's node never showed live.\n{nodes?.Output}\n--- gateway ---\n{gateway.Output}\n--- agent ---\n{agent.Output}");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task ASettingThePartRefuses_IsOneLine_AndExitCode2()
    {
        var gateway = await CliRun.RunAsync(null, null, "gateway", "--summon-rate", "fast");
        var agent = await CliRun.RunAsync(null, null, "agent", "--gateway", "http://127.0.0.1:9", "--sandbox", "docker");

        Assert.Equal(2, gateway.ExitCode);
        Assert.Contains("UAH CORE cannot start: Failed to convert configuration value 'fast' at 'summon-rate'", gateway.Output, StringComparison.Ordinal);
        Assert.Equal(2, agent.ExitCode);
        Assert.Contains("The node agent cannot start: Unknown sandbox 'docker'. Use --sandbox lxc, bwrap, process or auto.", agent.Output, StringComparison.Ordinal);
    }
}
