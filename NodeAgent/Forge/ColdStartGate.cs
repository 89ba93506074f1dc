using MeshRpc.ControlPlane;

namespace MeshRpc.NodeAgent.Forge;

/// <summary>
/// Lets only so many cold worker hosts start at once (<c>--max-cold-starts</c>), the rest waiting their turn in order.
/// A host's start is CPU work; hosts started all at once share the processors until every one of them is late, and
/// a burst of hundreds then misses its handshake deadlines together. Started in turns, each host gets the processors it
/// needs and serves its caller as soon as it is up, and the burst as a whole takes no longer.
/// </summary>
public sealed class ColdStartGate(string nodeId, int permits, TimeSpan patience) : IDisposable
{
    private readonly SemaphoreSlim _permits = new(permits, permits);

    /// <summary>Waits for a turn to start a host (first come, first served); dispose the turn once the host reported its port or failed.</summary>
    /// <exception cref="ForgeException"><c>no_node_available</c> when no turn came within the gate's patience.</exception>
    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        if (!await _permits.WaitAsync(patience, cancellationToken))
        {
            throw new ForgeException(MeshErrorCodes.NoNodeAvailable,
                $"Node {nodeId} is busy starting workers ({permits} at a time, --max-cold-starts) and this summon found no turn within {patience.TotalSeconds:0.#} s. " +
                "Retry in a few seconds, keep warm hosts on the node (--warm-pool, --warm-pool-max), or add nodes.");
        }

        return new Turn(_permits);
    }

    /// <inheritdoc />
    public void Dispose() => _permits.Dispose();

    private sealed class Turn(SemaphoreSlim permits) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                permits.Release();
            }
        }
    }
}
