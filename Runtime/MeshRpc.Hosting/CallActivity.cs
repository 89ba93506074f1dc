namespace MeshRpc.Hosting;

/// <summary>
/// What the idle timeout watches: calls in flight, and when the last one arrived or ended. A worker busy with a long
/// call is not idle, however long the call takes.
/// </summary>
internal sealed class CallActivity(HeartbeatWatchdog idle)
{
    private readonly HeartbeatWatchdog _idle = idle;
    private int _inFlight;

    /// <summary>Whether a call is being served now.</summary>
    public bool Busy => Volatile.Read(ref _inFlight) > 0;

    /// <summary>Notes a call's arrival; dispose the result when it has been served.</summary>
    public IDisposable Started()
    {
        Interlocked.Increment(ref _inFlight);
        _idle.Beat();
        return new Served(this);
    }

    private sealed class Served(CallActivity activity) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                Interlocked.Decrement(ref activity._inFlight);
                activity._idle.Beat();
            }
        }
    }
}
