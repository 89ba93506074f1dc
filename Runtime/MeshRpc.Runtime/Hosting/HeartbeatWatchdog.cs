namespace MeshRpc.Hosting;

/// <summary>Fires once when no heartbeat has arrived for longer than the timeout.</summary>
public sealed class HeartbeatWatchdog : IDisposable
{
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private readonly TaskCompletionSource _expired = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastBeat;

    /// <summary>Starts the watchdog; the first period begins now.</summary>
    public HeartbeatWatchdog(TimeSpan timeout, TimeProvider? time = null)
    {
        _timeout = timeout;
        _time = time ?? TimeProvider.System;
        _lastBeat = _time.GetTimestamp();
        var period = TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 10, TimeSpan.FromMilliseconds(20).Ticks, TimeSpan.FromSeconds(1).Ticks));
        _timer = _time.CreateTimer(_ => Check(), null, period, period);
    }

    /// <summary>Completes when the heartbeat timeout has passed.</summary>
    public Task Expired => _expired.Task;

    /// <summary>Records a sign of life.</summary>
    public void Beat() => Interlocked.Exchange(ref _lastBeat, _time.GetTimestamp());

    /// <inheritdoc />
    public void Dispose() => _timer.Dispose();

    private void Check()
    {
        if (_time.GetElapsedTime(Interlocked.Read(ref _lastBeat)) > _timeout)
        {
            _expired.TrySetResult();
        }
    }
}
