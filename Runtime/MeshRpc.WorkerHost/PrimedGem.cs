using System.Runtime.ExceptionServices;
using MeshRpc.HostProtocol;
using MeshRpc.Hosting;

namespace MeshRpc.WorkerHost;

/// <summary>The gem a pooled host was told to load while it waited for a summon, or why loading it failed.</summary>
internal sealed class PrimedGem
{
    private readonly PreparedGem? _gem;
    private readonly ExceptionDispatchInfo? _failure;

    private PrimedGem(GemLocation location, PreparedGem? gem, ExceptionDispatchInfo? failure)
    {
        Location = location;
        _gem = gem;
        _failure = failure;
    }

    public GemLocation Location { get; }

    public static PrimedGem Load(GemLocation location)
    {
        try
        {
            return new PrimedGem(location, PreparedGem.Load(location), null);
        }
        catch (Exception ex) when (WorkerLoader.IsLoadFailure(ex))
        {
            // Kept for the summon: it fails with the same error a cold host would have given.
            return new PrimedGem(location, null, ExceptionDispatchInfo.Capture(ex));
        }
    }

    /// <summary>The loaded gem, when the summon asks for exactly this one; the gem's code already ran here, so nothing else may.</summary>
    public PreparedGem Take(GemLocation requested)
    {
        if (requested != Location)
        {
            throw new WorkerLoadException(
                $"This pooled worker host was primed with the gem in {Location.Directory} and cannot serve the gem in {requested.Directory}. " +
                "The node agent gives a primed host only the summon of its gem; this is a bug in the agent.");
        }

        _failure?.Throw();
        return _gem!;
    }
}
