using MeshRpc.HostProtocol;
using MeshRpc.Hosting;

namespace MeshRpc.NodeAgent.Forge;

/// <summary>
/// Which idle pooled host a summon takes: one primed with its gem, else an unprimed one. A primed host has run its
/// gem's code and serves no other, so when neither fits, the summon starts cold and one host primed with another gem
/// is retired, which lets the pool follow what the node is asked for.
/// </summary>
public static class PoolChoice
{
    /// <summary>Picks from the idle hosts, given the gem each was primed with (null: not primed).</summary>
    /// <param name="idle">The live idle hosts' gems, in pool order.</param>
    /// <param name="wanted">The summon's gem.</param>
    public static PoolPick For(IReadOnlyList<GemLocation?> idle, GemLocation wanted)
    {
        ArgumentNullException.ThrowIfNull(idle);
        var primed = IndexOf(idle, wanted);
        if (primed >= 0)
        {
            return new PoolPick(primed, null);
        }

        var unprimed = IndexOf(idle, null);
        if (unprimed >= 0)
        {
            return new PoolPick(unprimed, null);
        }

        return new PoolPick(null, idle.Count > 0 ? 0 : null);
    }

    private static int IndexOf(IReadOnlyList<GemLocation?> idle, GemLocation? gem)
    {
        for (var i = 0; i < idle.Count; i++)
        {
            if (idle[i] == gem)
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>The pool's answer to one summon.</summary>
/// <param name="Take">The idle host to give the summon, if any fits.</param>
/// <param name="Retire">When none fits: the host primed with another gem to stop, so the refill can prime for this one.</param>
public readonly record struct PoolPick(int? Take, int? Retire);
