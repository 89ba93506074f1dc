using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests;

/// <summary>What an LXC sandbox lets a worker see and do, and that its limits hold.</summary>
public sealed class LxcSandboxTests(LxcMesh mesh) : IClassFixture<LxcMesh>
{
    [Fact]
    public async Task Worker_HasItsOwnPidNamespace_AndCannotSeeTheAgentsProcesses()
    {
        SandboxSupport.Require(mesh, "lxc");
        using var client = mesh.CreateClient();
        await using var probe = await client.SummonAsync<ISandboxProbe>(SummonRequest.FromGem(TestGem.ProbePointer), TestContext.Current.CancellationToken);

        var agentNamespace = new FileInfo($"/proc/{mesh.AgentProcessId}/ns/pid").LinkTarget;
        Assert.NotEqual(agentNamespace, await probe.PidNamespaceAsync());
        var visible = await probe.VisibleProcessIdsAsync();
        Assert.DoesNotContain(mesh.AgentProcessId, visible);
        Assert.DoesNotContain(Environment.ProcessId, visible);
        Assert.True(visible.Length < 10, $"The worker sees {visible.Length} processes: {string.Join(' ', visible)}");
    }

    [Fact]
    public async Task Worker_CanWriteOnlyToItsScratchDirectory()
    {
        SandboxSupport.Require(mesh, "lxc");
        using var client = mesh.CreateClient();
        await using var probe = await client.SummonAsync<ISandboxProbe>(SummonRequest.FromGem(TestGem.ProbePointer), TestContext.Current.CancellationToken);

        Assert.Equal("ok", await probe.TryWriteAsync("/tmp/scratch-file"));
        foreach (var forbidden in new[] { "/etc/meshrpc-probe", "/root/meshrpc-probe", "/var/meshrpc-probe", Path.Combine(AppContext.BaseDirectory, "meshrpc-probe"), "/tmp/gems/meshrpc-probe" })
        {
            var result = await probe.TryWriteAsync(forbidden);
            Assert.True(result != "ok", $"The worker could write {forbidden}.");
            Assert.False(File.Exists(forbidden));
        }
    }

    [Fact]
    public async Task ForkBomb_IsStoppedByTheProcessLimit_WhileTheAgentAndOtherWorkersKeepServing()
    {
        SandboxSupport.Require(mesh, "lxc");
        using var client = mesh.CreateClient();
        await using var bystander = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        var bomber = await client.SummonAsync<ISandboxProbe>(SummonRequest.FromGem(TestGem.ProbePointer), TestContext.Current.CancellationToken);

        try
        {
            var processes = await bomber.ForkBombAsync(3000);
            Assert.InRange(processes, 1, 100);
        }
        catch (MeshRpcException)
        {
            // The bomb may starve the worker itself of threads; the limit holding is what matters here.
        }

        Assert.Equal("still serving", await bystander.EchoAsync("still serving"));
        await using var newcomer = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        Assert.Equal(1, await newcomer.IncrementAsync());
        await bomber.DisposeAsync();
    }

    [Fact]
    public async Task MemoryHog_IsKilledByTheMemoryLimit_AndItsCallerGetsWorkerLost()
    {
        SandboxSupport.Require(mesh, "lxc");
        using var client = mesh.CreateClient();
        await using var hog = await client.SummonAsync<ISandboxProbe>(SummonRequest.FromGem(TestGem.ProbePointer), TestContext.Current.CancellationToken);
        var workerId = ((IGhostProxy)hog).Connection.Ticket.WorkerId;

        var error = await Assert.ThrowsAsync<WorkerLostException>(() => hog.HogMemoryAsync(2048));

        Assert.Equal(workerId, error.WorkerId);
        await mesh.WaitForAgentLogAsync($"Worker {workerId} exited", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task FiftySummonTeardownCycles_LeaveNoContainerProcessOrStateBehind()
    {
        SandboxSupport.Require(mesh, "lxc");
        using var client = mesh.CreateClient();
        var hostPids = new List<int>();
        var workerIds = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            var worker = await client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
            var workerId = ((IGhostProxy)worker).Connection.Ticket.WorkerId;
            workerIds.Add(workerId);
            hostPids.Add(await mesh.HostProcessIdOfAsync(workerId));
            Assert.Equal(0, await worker.GetCountAsync());
            await worker.DisposeAsync();
        }

        var containers = await mesh.ContainersAsync();
        Assert.DoesNotContain(containers, c => workerIds.Any(id => c.EndsWith(id, StringComparison.Ordinal)));
        Assert.All(hostPids, pid => Assert.False(Processes.IsAlive(pid), $"Worker pid {pid} outlived its teardown."));
        Assert.Empty(Processes.WithCommandLineContaining(workerIds));
        var leftovers = Directory.EnumerateFileSystemEntries(Path.Combine(mesh.AgentDirectory, "lxc")).Where(e => workerIds.Any(id => e.Contains(id, StringComparison.Ordinal)));
        Assert.Empty(leftovers);
    }
}
