using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests.Containment;

/// <summary>The containment suite on LXC, plus what only LXC enforces: the seccomp filter and the cgroup limits.</summary>
public sealed class LxcContainmentTests(LxcContainment fixture) : ContainmentTests(fixture), IClassFixture<LxcContainment>
{
    [Fact]
    public async Task Runs_UnderTheSeccompFilter()
    {
        Fixture.Require();
        Assert.Equal("2", await Attacker.StatusAsync("Seccomp"));
        await Fixture.AssertLegitimateCallsSucceedAsync();
    }

    [Theory]
    [InlineData("unshare-user")]
    [InlineData("unshare-net")]
    [InlineData("unshare-mount")]
    [InlineData("setns")]
    [InlineData("ptrace")]
    [InlineData("init_module")]
    [InlineData("finit_module")]
    [InlineData("delete_module")]
    [InlineData("kexec_load")]
    [InlineData("mount")]
    [InlineData("umount2")]
    [InlineData("pivot_root")]
    [InlineData("chroot")]
    [InlineData("bpf")]
    [InlineData("perf_event_open")]
    [InlineData("userfaultfd")]
    [InlineData("io_uring_setup")]
    [InlineData("keyctl")]
    [InlineData("swapon")]
    [InlineData("reboot")]
    [InlineData("settimeofday")]
    [InlineData("open_by_handle_at")]
    public Task Refuses_SystemCall(string name) => AssertSystemCallRefusedAsync(name, 1);

    [Fact]
    public async Task ForkBomb_StaysInsideItsProcessLimit_WhileTheNodeKeepsServing()
    {
        Fixture.Require();
        await using var bomber = await Fixture.SummonAttackerAsync();

        Assert.Equal("started", await bomber.ForkBombAsync());
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);

        // The node still forges, and the legitimate caller's worker still answers.
        await using var newcomer = await Fixture.Client.SummonAsync<ITestWorker>(SummonRequest.FromGem(TestGem.Pointer), TestContext.Current.CancellationToken);
        Assert.Equal(1, await newcomer.IncrementAsync());
        await Fixture.AssertLegitimateCallsSucceedAsync();
    }

    [Fact]
    public async Task MemoryBomb_IsKilledAtItsLimit_WhileTheNodeKeepsServing()
    {
        Fixture.Require();
        var bomber = await Fixture.SummonAttackerAsync();
        var workerId = ((IGhostProxy)bomber).Connection.Ticket.WorkerId;

        var lost = await Assert.ThrowsAsync<WorkerLostException>(() => bomber.HogMemoryAsync(4096));

        Assert.Equal(workerId, lost.WorkerId);
        await Fixture.Mesh.WaitForAgentLogAsync($"Worker {workerId} exited", TimeSpan.FromSeconds(30));
        await Fixture.AssertLegitimateCallsSucceedAsync();
        await bomber.DisposeAsync();
    }
}
