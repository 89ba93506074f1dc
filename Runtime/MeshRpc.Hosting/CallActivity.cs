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

    /// <summary>Notes a call's arrival; <see cref="Ended"/> once it has been served.</summary>
    public void Started()
    {
        Interlocked.Increment(ref _inFlight);
        _idle.Beat();
    }

    /// <summary>Notes a call served, once for each <see cref="Started"/>.</summary>
    public void Ended()
    {
        Interlocked.Decrement(ref _inFlight);
        _idle.Beat();
    }
}
