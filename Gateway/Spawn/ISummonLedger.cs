using MeshRpc.ControlPlane;

namespace MeshRpc.Gateway.Spawn;

/// <summary>What an earlier summon with the same idempotency key left: the node it went to, and its answer once it had one.</summary>
public sealed record SummonEntry(string? NodeId, SpawnEphemeralResponse? Response);

/// <summary>
/// Summons by idempotency key (an <c>Idempotency-Key</c> header, scoped to its caller), for as long as
/// <see cref="Kept"/>: a summon sent again after a lost answer, to any gateway, returns the first one's worker or
/// finishes it on the node the first one chose, and never forges a second. In this gateway's memory, or in Redis for
/// several gateways.
/// </summary>
public interface ISummonLedger
{
    /// <summary>How long a key is remembered.</summary>
    static TimeSpan Kept { get; } = TimeSpan.FromMinutes(10);

    /// <summary>Starts a summon under <paramref name="key"/>; null when it is the first, else what the earlier one left.</summary>
    ValueTask<SummonEntry?> BeginAsync(string key);

    /// <summary>Records the node the summon goes to unless an earlier attempt recorded one; returns the node recorded.</summary>
    ValueTask<string> ClaimNodeAsync(string key, string nodeId);

    /// <summary>Records the summon's answer, which a retry then gets as it is.</summary>
    ValueTask CompleteAsync(string key, SpawnEphemeralResponse response);

    /// <summary>Forgets a summon that failed, so that a retry summons afresh.</summary>
    ValueTask ForgetAsync(string key);

    /// <summary>Forgets the summon that made worker <paramref name="workerId"/>, torn down: a retry of it would only find the worker gone.</summary>
    ValueTask ForgetWorkerAsync(string workerId);
}
