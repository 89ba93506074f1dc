using MeshRpc.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace MeshRpc.Runtime.Tests.Hosting;

public sealed class HeartbeatWatchdogTests
{
    [Fact]
    public void Expires_WhenNoBeatArrivesWithinTheTimeout()
    {
        var time = new FakeTimeProvider();
        using var watchdog = new HeartbeatWatchdog(TimeSpan.FromSeconds(3), time);

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(watchdog.Expired.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(watchdog.Expired.IsCompleted);
    }

    [Fact]
    public void Beats_PostponeExpiry()
    {
        var time = new FakeTimeProvider();
        using var watchdog = new HeartbeatWatchdog(TimeSpan.FromSeconds(3), time);

        for (var i = 0; i < 10; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            watchdog.Beat();
        }

        Assert.False(watchdog.Expired.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.True(watchdog.Expired.IsCompleted);
    }

    [Fact]
    public void FirstBeat_GetsTheGrace_LaterBeatsDoNot()
    {
        var time = new FakeTimeProvider();
        using var watchdog = new HeartbeatWatchdog(TimeSpan.FromSeconds(3), time, firstBeatGrace: TimeSpan.FromSeconds(5));

        time.Advance(TimeSpan.FromSeconds(7));
        Assert.False(watchdog.Expired.IsCompleted);
        watchdog.Beat();

        time.Advance(TimeSpan.FromSeconds(4));
        Assert.True(watchdog.Expired.IsCompleted);
    }

    [Fact]
    public void NoCallerEver_ExpiresAfterTimeoutPlusGrace()
    {
        var time = new FakeTimeProvider();
        using var watchdog = new HeartbeatWatchdog(TimeSpan.FromSeconds(3), time, firstBeatGrace: TimeSpan.FromSeconds(5));

        time.Advance(TimeSpan.FromSeconds(9));

        Assert.True(watchdog.Expired.IsCompleted);
    }
}
