using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Configuration;

namespace MeshRpc.Gateway.Gems;

/// <summary>
/// The mesh's compile cache: which gem each summoned source became (<see cref="SourceKey"/> → digest, a
/// <see cref="CompiledIndex"/> in the gem store's folder) and the gems themselves in the gem store. A source a node has
/// compiled is summoned afterwards as that gem on any node with the same toolchain; beyond <c>--compiled-cache-mb</c>
/// the least recently summoned go.
/// </summary>
public sealed class CompiledSources
{
    private readonly GemStore _gems;
    private readonly CompiledIndex _index;
    private readonly long _maxBytes;
    private readonly ILogger<CompiledSources> _logger;

    /// <summary>Opens the cache beside the gem store.</summary>
    public CompiledSources(GatewayOptions options, GemStore gems, ILogger<CompiledSources> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _gems = gems;
        _logger = logger;
        _index = new CompiledIndex(Path.Combine(options.GemStore, "compiled"));
        _maxBytes = (long)options.CompiledCacheMb << 20;
    }

    /// <summary>The gem a node compiled this source into with one of <paramref name="toolchains"/>, or null when none has.</summary>
    public StoredGem? Find(SpawnEphemeralRequest request, IEnumerable<string> toolchains)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(toolchains);
        foreach (var toolchain in toolchains)
        {
            if (_index.Find(SourceKey.Of(request.Contract, request.ContractHash, request.SourceCode!, toolchain)) is { } digest
                && _gems.Resolve(GemPointer.Parse(digest)) is { Manifest.FromSource: true } gem
                && gem.Manifest.Contract == request.Contract
                && gem.Manifest.ContractHash == request.ContractHash)
            {
                return gem;
            }
        }

        return null;
    }

    /// <summary>
    /// Keeps the gem a node compiled this source into with <paramref name="toolchain"/>. The key is the gateway's own
    /// (a node says what it compiled, never under which key); a gem that is not compiled source of this very contract is
    /// logged and dropped, and the summon it came with goes on.
    /// </summary>
    public async Task RecordAsync(SpawnEphemeralRequest request, string toolchain, string nodeId, string compiledGem, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        StoredGem gem;
        try
        {
            var archive = Convert.FromBase64String(compiledGem);
            var manifest = GemArchive.ReadManifest(archive);
            if (manifest.Contract != request.Contract || manifest.ContractHash != request.ContractHash)
            {
                throw new InvalidDataException($"it serves {manifest.Contract} ({manifest.ContractHash}), not the summoned {request.Contract} ({request.ContractHash})");
            }

            gem = await _gems.StoreCompiledAsync(archive, cancellationToken);
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException)
        {
            Log.CompiledGemRefused(_logger, nodeId, ex.Message);
            return;
        }

        _index.Record(SourceKey.Of(request.Contract, request.ContractHash, request.SourceCode!, toolchain), gem.Digest);
        Log.CompiledGemKept(_logger, gem.Digest, nodeId, request.Contract);
        foreach (var evicted in _index.Evict(_maxBytes, _gems.SizeOf))
        {
            _gems.RemoveCompiled(evicted);
        }
    }
}
