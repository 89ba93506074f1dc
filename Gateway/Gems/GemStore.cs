using System.Collections.Concurrent;
using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Configuration;

namespace MeshRpc.Gateway.Gems;

/// <summary>A published gem: its digest and manifest.</summary>
public sealed record StoredGem(string Digest, GemManifest Manifest, long Size);

/// <summary>
/// The content-addressed gem store: each gem is one file named by its SHA-256, written to a temporary name and renamed,
/// so a half-written upload is never visible and published gems survive a restart.
/// </summary>
public sealed class GemStore
{
    private const string Extension = ".gem";
    private readonly string _root;
    private readonly long _maxUnpackedBytes;
    private readonly ConcurrentDictionary<string, StoredGem> _byDigest = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StoredGem> _byNameVersion = new(StringComparer.Ordinal);

    /// <summary>Opens the store and indexes the gems already in it.</summary>
    public GemStore(GatewayOptions options, ILogger<GemStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _root = Directory.CreateDirectory(options.GemStore).FullName;
        _maxUnpackedBytes = options.MaxGemUnpackedBytes;
        foreach (var stale in Directory.EnumerateFiles(_root, "*.partial"))
        {
            File.Delete(stale);
        }

        foreach (var file in Directory.EnumerateFiles(_root, "*" + Extension))
        {
            var bytes = File.ReadAllBytes(file);
            try
            {
                Index(GemArchive.Digest(bytes), GemArchive.ReadManifest(bytes, _maxUnpackedBytes), bytes.Length);
            }
            catch (InvalidDataException ex)
            {
                // Stored by an older gateway (a manifest without its contract hash, say): not served until published again.
                Log.GemNotServed(logger, Path.GetFileName(file), ex.Message);
            }
        }
    }

    /// <summary>Validates and stores a gem; publishing the same bytes twice is harmless.</summary>
    public async Task<StoredGem> PublishAsync(byte[] archive, CancellationToken cancellationToken)
    {
        var manifest = GemArchive.ReadManifest(archive, _maxUnpackedBytes);
        var digest = GemArchive.Digest(archive);
        if (_byNameVersion.TryGetValue(Key(manifest.Name, manifest.Version), out var existing) && existing.Digest != digest)
        {
            throw new InvalidDataException(
                $"gem://{manifest.Name}@{manifest.Version} is already published with digest {existing.Digest}; a version is immutable. Publish a new version.");
        }

        var path = PathOf(digest);
        if (!File.Exists(path))
        {
            var partial = path + "." + Guid.NewGuid().ToString("N") + ".partial";
            await File.WriteAllBytesAsync(partial, archive, cancellationToken);
            File.Move(partial, path, overwrite: true);
        }

        return Index(digest, manifest, archive.Length);
    }

    /// <summary>Every published gem, by name then version.</summary>
    public IReadOnlyList<StoredGem> List() =>
        [.. _byDigest.Values.OrderBy(g => g.Manifest.Name, StringComparer.Ordinal).ThenBy(g => g.Manifest.Version, StringComparer.Ordinal)];

    /// <summary>Resolves a pointer to a stored gem, or null.</summary>
    public StoredGem? Resolve(GemPointer pointer)
    {
        ArgumentNullException.ThrowIfNull(pointer);
        return pointer.Digest is { } digest
            ? _byDigest.GetValueOrDefault(digest)
            : _byNameVersion.GetValueOrDefault(Key(pointer.Name!, pointer.Version!));
    }

    /// <summary>Opens a stored gem's bytes, or null when there is none with that digest.</summary>
    public Stream? Open(string digest) =>
        _byDigest.ContainsKey(digest) ? File.OpenRead(PathOf(digest)) : null;

    private StoredGem Index(string digest, GemManifest manifest, long size)
    {
        var gem = new StoredGem(digest, manifest, size);
        _byDigest[digest] = gem;
        _byNameVersion[Key(manifest.Name, manifest.Version)] = gem;
        return gem;
    }

    private string PathOf(string digest) => Path.Combine(_root, digest["sha256:".Length..] + Extension);

    private static string Key(string name, string version) => name + "@" + version;
}
