using MeshRpc.IntegrationTests.Infrastructure;

namespace MeshRpc.IntegrationTests;

/// <summary>A worker must not outlive a caller that died without tearing it down.</summary>
public sealed class CallerDeathTests(MeshProcesses mesh) : IClassFixture<MeshProcesses>
{
    private static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromMilliseconds(1500);

    [Fact]
    public async Task CallerKilledWithSigkill_WorkerExitsWithinHeartbeatTimeout()
    {
        await using var caller = ChildProcess.Start("MeshRpc.TestCaller.dll", mesh.GatewayAddress.ToString(), ((int)HeartbeatTimeout.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var reported = (await caller.WaitForLineAsync("WORKER", TimeSpan.FromSeconds(60))).Split(' ');
        var workerId = reported[0];
        var workerPid = await mesh.HostProcessIdOfAsync(workerId);

        // Alive past its timeout while the caller heartbeats: heartbeats, not luck, keep it up.
        await Task.Delay(HeartbeatTimeout * 2, TestContext.Current.CancellationToken);
        Assert.True(Processes.IsAlive(workerPid), $"Worker {workerId} died while its caller was still heartbeating.\n{mesh.Logs}");

        caller.KillHard();

        // The timeout, plus one watchdog period and process exit.
        var gone = await Processes.WaitUntilGoneAsync(workerPid, HeartbeatTimeout + TimeSpan.FromSeconds(1));
        Assert.True(gone is not null, $"Worker {workerId} (pid {workerPid}) outlived its killed caller by more than the heartbeat timeout.\n{mesh.Logs}");
        // Exit code 3 is the worker host's "heartbeat lost"; the agent reaps and reports it.
        await mesh.WaitForAgentLogAsync($"Worker {workerId} exited with code 3", TimeSpan.FromSeconds(10));
    }
}
