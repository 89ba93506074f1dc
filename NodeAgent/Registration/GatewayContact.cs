namespace MeshRpc.NodeAgent.Registration;

/// <summary>What this node last heard from its gateway: when it last accepted a heartbeat, and why the latest failed.</summary>
public sealed class GatewayContact(TimeProvider time)
{
    private long _lastAcceptedTicks;
    private string? _lastProblem;

    /// <summary>When the gateway last accepted a heartbeat; null before the first.</summary>
    public DateTimeOffset? LastAccepted => Interlocked.Read(ref _lastAcceptedTicks) is > 0 and var ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>Why the latest registration or heartbeat failed, in words fit for anyone; null when it did not.</summary>
    public string? LastProblem => Volatile.Read(ref _lastProblem);

    /// <summary>Records an accepted heartbeat.</summary>
    public void Accepted()
    {
        Interlocked.Exchange(ref _lastAcceptedTicks, time.GetUtcNow().UtcTicks);
        Volatile.Write(ref _lastProblem, null);
    }

    /// <summary>Records a failed registration or heartbeat.</summary>
    public void Failed(string problem) => Volatile.Write(ref _lastProblem, problem);
}
