namespace MeshRpc.NodeAgent.Forge;

/// <summary>
/// Admits a forge only while the node's live workers and the forges under way leave a slot free. The check and the count
/// are one step, so summons arriving at once, from one gateway or several, never fill the node past its slots: the node
/// is the authority on its own capacity, whatever a gateway's view of it says.
/// </summary>
public sealed class SlotAdmission(int slots, Func<int> liveWorkers)
{
    private readonly Lock _gate = new();
    private int _forging;

    /// <summary>Takes a slot for one forge; false when the node is full.</summary>
    public bool TryEnter()
    {
        lock (_gate)
        {
            if (liveWorkers() + _forging >= slots)
            {
                return false;
            }

            _forging++;
            return true;
        }
    }

    /// <summary>Ends a forge. Call it after a forged worker is in the worker table, so its slot is never counted free between.</summary>
    public void Exit()
    {
        lock (_gate)
        {
            _forging--;
        }
    }
}
