using System.Text.RegularExpressions;
using MeshRpc.ControlPlane;
using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests;

/// <summary>Pre-forged sandboxes: the pool refills primed with the gem last summoned, source compiles in a sandbox of its own, and none outlives the agent.</summary>
public sealed class LxcWarmPoolTests(LxcPoolMesh mesh) : IClassFixture<LxcPoolMesh>
{
    [Fact]
    public async Task SummonedSource_CompilesInASandboxOfItsOwn_LeavingThePooledHostsIdle()
    {
        SandboxSupport.Require(mesh, "lxc");
        using var client = mesh.CreateClient();
        var pooled = (await mesh.WaitForContainersAsync(LxcPoolMesh.PoolSize)).Where(n => n.StartsWith("meshrpc-w-", StringComparison.Ordinal)).ToList();

        var error = await Assert.ThrowsAsync<SummonFailedException>(() =>
            client.SummonAsync<ITestWorker>(SummonRequest.FromSource("this is not C#"), TestContext.Current.CancellationToken));
        var afterwards = await mesh.ContainersAsync();
        await using var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromSource(TestWorkerSource.Of("compiled: ")), TestContext.Current.CancellationToken);

        Assert.Equal(SummonFailureReason.CompileFailed, error.Reason);
        Assert.NotEmpty(error.Diagnostics);
        Assert.Subset(afterwards.ToHashSet(), pooled.ToHashSet());
        Assert.Equal("compiled: hi", await worker.EchoAsync("hi"));
    }

    [Fact]
    public async Task AfterASummon_TheRefillIsPrimedWithItsGem_AndTheNextSummonOfThatGemTakesIt()
    {
        SandboxSupport.Require(mesh, "lxc");
        using var client = mesh.CreateClient();
        var cancellation = TestContext.Current.CancellationToken;
        await mesh.WaitForContainersAsync(LxcPoolMesh.PoolSize);
        await using (var first = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), cancellation))
        {
            Assert.Equal("first", await first.EchoAsync("first"));
        }

        // Primed: an idle pooled host has the gem's assembly mapped before any summon asked it to run that gem.
        var gemAssembly = $"{GemArchive.Digest(TestGem.Pack())["sha256:".Length..]}/{Path.GetFileName(typeof(TestWorker.TestWorker).Assembly.Location)}";
        List<string> primed = [];
        // A refill starts, warms up and loads the gem on half a CPU (LxcMesh's limit), while the rest of the suite runs.
        Assert.True(await Poll.UntilAsync(() => Task.FromResult((primed = PooledHostsWithMapped(gemAssembly)).Count > 0), TimeSpan.FromSeconds(60)),
            $"No pooled worker host was primed with the test-worker gem.\n{mesh.Logs}");

        // The agent counts a host as primed when the host says so, a moment after its process maps the gem: a summon
        // before then rightly takes an unprimed host. The node's report to the gateway shows the agent's count.
        using var admin = TestCredentials.Client(mesh.GatewayAddress, TestCredentials.Admin);
        var digest = GemArchive.Digest(TestGem.Pack());
        Assert.True(await Poll.UntilAsync(async () => Assert.Single((await admin.Gateway.GetServiceRegistryAsync(cancellation)).Nodes).WarmHosts
            .Any(w => w.GemDigest == digest && w.Idle > 0), TimeSpan.FromSeconds(30)), $"The node never reported a host primed with the test-worker gem.\n{mesh.Logs}");
        primed = PooledHostsWithMapped(gemAssembly);

        await using var second = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), cancellation);
        Assert.Contains(((IGhostProxy)second).Connection.Ticket.WorkerId, primed);
        Assert.Equal("second", await second.EchoAsync("second"));
    }

    [Fact]
    public async Task SummonsOfDifferentGems_InTurn_EachRunTheirOwnGem()
    {
        SandboxSupport.Require(mesh, "lxc");
        using var client = mesh.CreateClient();
        var cancellation = TestContext.Current.CancellationToken;
        await mesh.WaitForContainersAsync(LxcPoolMesh.PoolSize);

        for (var round = 0; round < 3; round++)
        {
            await using (var test = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), cancellation))
            {
                Assert.Equal($"round {round}", await test.EchoAsync($"round {round}"));
            }

            await using (var shapes = await client.SummonAsync<IShapesWorker>(SummonRequest.FromGem(TestGem.ShapesPointer), cancellation))
            {
                Assert.Equal("base", await shapes.FromBaseAsync());
            }

            // Let the refills (and their priming) happen between rounds, as they would between real summons.
            await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
        }
    }

    /// <summary>Worker ids of the idle pooled hosts (LXC containers) whose process has <paramref name="file"/> mapped.</summary>
    private static List<string> PooledHostsWithMapped(string file)
    {
        var ids = new List<string>();
        foreach (var pid in Processes.WithCommandLineContaining(["--pooled"]))
        {
            try
            {
                if (File.ReadAllText($"/proc/{pid}/maps").Contains(file, StringComparison.Ordinal)
                    && Regex.Match(File.ReadAllText($"/proc/{pid}/cgroup"), "meshrpc-(w-[0-9a-f]{16})") is { Success: true } container)
                {
                    ids.Add(container.Groups[1].Value);
                }
            }
            catch (IOException)
            {
                // Exited while we looked.
            }
        }

        return ids;
    }
}
