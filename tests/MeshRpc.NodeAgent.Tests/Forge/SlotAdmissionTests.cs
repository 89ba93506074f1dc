using MeshRpc.NodeAgent.Forge;

namespace MeshRpc.NodeAgent.Tests.Forge;

/// <summary>The node's own admission of forges: however many arrive at once, from however many gateways, it never runs more than its slots.</summary>
public sealed class SlotAdmissionTests
{
    [Fact]
    public void ForgesArrivingAtOnce_NeverHoldMoreSlotsThanTheNodeHas()
    {
        const int Slots = 5;
        var live = 0;
        var held = 0;
        var mostHeld = 0;
        var admitted = 0;
        var admission = new SlotAdmission(Slots, () => Volatile.Read(ref live));

        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            if (!admission.TryEnter())
            {
                return;
            }

            // A slot is held from admission until the worker ends: the forge, then the live worker.
            var now = Interlocked.Increment(ref held);
            InterlockedMax(ref mostHeld, now);
            Interlocked.Increment(ref admitted);
            Interlocked.Increment(ref live);
            admission.Exit();
            Interlocked.Decrement(ref live);
            Interlocked.Decrement(ref held);
        });

        Assert.InRange(mostHeld, 1, Slots);
        Assert.True(admitted > Slots, $"only {admitted} forges were admitted: slots that free up must be taken again");
    }

    [Fact]
    public void AFullNode_AdmitsAgain_OnceAWorkerEnds()
    {
        var live = 2;
        var admission = new SlotAdmission(3, () => live);

        Assert.True(admission.TryEnter());
        Assert.False(admission.TryEnter());
        live = 3;
        admission.Exit();
        Assert.False(admission.TryEnter());

        live = 2;
        Assert.True(admission.TryEnter());
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) is var seen && seen != current)
        {
            current = seen;
        }
    }
}
