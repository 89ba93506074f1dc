namespace MeshRpc.Hosting;

/// <summary>
/// Fires once when no heartbeat has arrived for longer than the timeout. Until the first beat, it also allows a grace
/// period: the first caller has to receive its ticket and finish connecting (TLS, handshake) before it can beat.
/// </summary>
public sealed class HeartbeatWatchdog : IDisposable
{
    private readonly TimeSpan _timeout;
    private readonly TimeSpan _firstBeatGrace;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private readonly TaskCompletionSource _expired = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastBeat;
    private int _beaten;
    private Func<bool>? _busy;

    /// <summary>Starts the watchdog; the first period begins now and lasts <paramref name="timeout"/> plus <paramref name="firstBeatGrace"/>.</summary>
    public HeartbeatWatchdog(TimeSpan timeout, TimeProvider? time = null, TimeSpan firstBeatGrace = default)
    {
        _timeout = timeout;
        _firstBeatGrace = firstBeatGrace;
        _time = time ?? TimeProvider.System;
        _lastBeat = _time.GetTimestamp();
        var period = TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 10, TimeSpan.FromMilliseconds(20).Ticks, TimeSpan.FromSeconds(1).Ticks));
        _timer = _time.CreateTimer(_ => Check(), null, period, period);
    }

    /// <summary>Completes when the heartbeat timeout has passed.</summary>
    public Task Expired => _expired.Task;

    /// <summary>While <paramref name="busy"/> says so, the timeout does not run (the idle timeout of a worker serving a call).</summary>
    public void HoldWhile(Func<bool> busy) => _busy = busy;

    /// <summary>Records a sign of life.</summary>
    public void Beat()
    {
        Interlocked.Exchange(ref _lastBeat, _time.GetTimestamp());
        Volatile.Write(ref _beaten, 1);
    }

    /// <inheritdoc />
    public void Dispose() => _timer.Dispose();

    private void Check()
    {
        if (_busy?.Invoke() == true)
        {
            Beat();
            return;
        }

        var allowed = Volatile.Read(ref _beaten) == 1 ? _timeout : _timeout + _firstBeatGrace;
        if (_time.GetElapsedTime(Interlocked.Read(ref _lastBeat)) > allowed)
        {
            _expired.TrySetResult();
        }
    }
}
