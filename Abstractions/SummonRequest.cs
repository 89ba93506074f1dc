namespace MeshRpc;

/// <summary>What to summon: a published gem, or raw C# source implementing the contract.</summary>
public sealed record SummonRequest
{
    /// <summary>The gem to run, when summoning by gem pointer.</summary>
    public GemPointer? Gem { get; init; }

    /// <summary>C# source implementing the contract, when summoning by raw source.</summary>
    public string? SourceCode { get; init; }

    /// <summary>How long the worker outlives its caller's last heartbeat; the gateway's default when null.</summary>
    public TimeSpan? HeartbeatTimeout { get; init; }

    /// <summary>
    /// How long the worker may live at most, from its summon: its node tears it down then, unless its owner extends it
    /// (<c>WorkerConnection.ExtendAsync</c>). The gateway's cap when null, and never more than that.
    /// </summary>
    public TimeSpan? MaxLifetime { get; init; }

    /// <summary>How long the worker may go without a call before it ends (heartbeats do not count); never, when null.</summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>Labels the node must carry (for example <c>gpu</c> or <c>zone=eu</c>); placement skips nodes lacking any.</summary>
    public IReadOnlyList<string> RequiredLabels { get; init; } = [];

    /// <summary>Memory the worker needs, in MiB; placement skips nodes whose per-worker limit is lower.</summary>
    public int? MemoryMb { get; init; }

    /// <summary>
    /// Where the worker may open connections (<see cref="EgressDestination"/>); by default nowhere. The gateway refuses
    /// a destination its policy does not cover, and places the worker on a node that enforces the list.
    /// </summary>
    public IReadOnlyList<EgressDestination> Egress { get; init; } = [];

    /// <summary>Summons the gem a pointer such as <c>gem://calculator@1.0.0</c> names.</summary>
    public static SummonRequest FromGem(string pointer) => new() { Gem = GemPointer.Parse(pointer) };

    /// <summary>Summons a worker compiled from raw C# source.</summary>
    public static SummonRequest FromSource(string sourceCode)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceCode);
        return new() { SourceCode = sourceCode };
    }
}
