using System.Collections.Concurrent;
using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Configuration;

namespace MeshRpc.Gateway.Gems;

/// <summary>A published gem: its digest and manifest.</summary>
public sealed record StoredGem(string Digest, GemManifest Manifest, long Size);

/// <summary>
/// The content-addressed gem store: each gem is one file named by its SHA-256, written to a temporary name and renamed,
/// so a half-written upload is never visible and published gems survive a restart. Which digest a name and version
/// stand for is a file too, created once and never replaced: gateways that share the folder (docs/scaling.md) see each
/// other's gems, and no two of them can publish one version with different bytes.
/// </summary>
public sealed class GemStore
{
    private const string Extension = ".gem";
    private readonly string _root;
    private readonly string _names;
    private readonly long _maxUnpackedBytes;
    private readonly ConcurrentDictionary<string, StoredGem> _byDigest = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StoredGem> _byNameVersion = new(StringComparer.Ordinal);

    /// <summary>Opens the store and indexes the gems already in it.</summary>
    public GemStore(GatewayOptions options, ILogger<GemStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _root = Directory.CreateDirectory(options.GemStore).FullName;
        _names = Directory.CreateDirectory(Path.Combine(_root, "names")).FullName;
        _maxUnpackedBytes = options.MaxGemUnpackedBytes;
        _logger = logger;

        // Left by a write that died; an hour old, so not one another gateway sharing the folder is making now.
        foreach (var stale in Directory.EnumerateFiles(_root, "*.partial", SearchOption.AllDirectories))
        {
            if (DateTime.UtcNow - File.GetLastWriteTimeUtc(stale) > TimeSpan.FromHours(1))
            {
                File.Delete(stale);
            }
        }

        foreach (var file in Directory.EnumerateFiles(_root, "*" + Extension))
        {
            if (Load(file) is { Manifest.FromSource: false } gem)
            {
                // A store written before names had files of their own.
                TryName(gem.Manifest, gem.Digest);
            }
        }
    }

    private readonly ILogger<GemStore> _logger;

    /// <summary>Validates and stores a gem; publishing the same bytes twice is harmless.</summary>
    public async Task<StoredGem> PublishAsync(byte[] archive, CancellationToken cancellationToken)
    {
        var manifest = GemArchive.ReadManifest(archive, _maxUnpackedBytes);
        if (manifest.FromSource)
        {
            throw new InvalidDataException($"The gem's {GemManifest.FileName} sets fromSource, which marks the gems nodes compile from summoned source; a published gem leaves it out.");
        }

        var digest = GemArchive.Digest(archive);
        if (_byNameVersion.TryGetValue(Key(manifest.Name, manifest.Version), out var existing) && existing.Digest != digest)
        {
            throw new InvalidDataException(
                $"gem://{manifest.Name}@{manifest.Version} is already published with digest {existing.Digest}; a version is immutable. Publish a new version.");
        }

        await WriteAsync(digest, archive, cancellationToken);

        // Another gateway sharing the folder may have published this version a moment ago, with other bytes.
        if (TryName(manifest, digest) is { } named && named != digest)
        {
            throw new InvalidDataException(
                $"gem://{manifest.Name}@{manifest.Version} is already published with digest {named}; a version is immutable. Publish a new version.");
        }

        return Index(digest, manifest, archive.Length);
    }

    /// <summary>
    /// Stores a gem a node compiled from summoned source: by digest only, never under a name, so no caller can summon it
    /// but by summoning its source (<see cref="CompiledSources"/>).
    /// </summary>
    public async Task<StoredGem> StoreCompiledAsync(byte[] archive, CancellationToken cancellationToken)
    {
        var manifest = GemArchive.ReadManifest(archive, _maxUnpackedBytes);
        if (!manifest.FromSource)
        {
            throw new InvalidDataException($"its {GemManifest.FileName} does not mark it as compiled source (fromSource)");
        }

        var digest = GemArchive.Digest(archive);
        await WriteAsync(digest, archive, cancellationToken);
        return Index(digest, manifest, archive.Length);
    }

    /// <summary>Deletes a compiled gem (<see cref="CompiledSources"/> evicts them); published gems stay.</summary>
    public void RemoveCompiled(string digest)
    {
        if (Resolve(GemPointer.Parse(digest)) is { Manifest.FromSource: true })
        {
            _byDigest.TryRemove(digest, out _);
            File.Delete(PathOf(digest));
        }
    }

    /// <summary>The size of a stored gem in bytes, 0 when there is none.</summary>
    public long SizeOf(string digest) => File.Exists(PathOf(digest)) ? new FileInfo(PathOf(digest)).Length : 0;

    private async Task WriteAsync(string digest, byte[] archive, CancellationToken cancellationToken)
    {
        var path = PathOf(digest);
        if (!File.Exists(path))
        {
            var partial = path + "." + Guid.NewGuid().ToString("N") + ".partial";
            await File.WriteAllBytesAsync(partial, archive, cancellationToken);
            File.Move(partial, path, overwrite: true);
        }
    }

    /// <summary>Every published gem, by name then version, those other gateways sharing the folder published included.</summary>
    public IReadOnlyList<StoredGem> List()
    {
        foreach (var file in Directory.EnumerateFiles(_root, "*" + Extension))
        {
            if (!_byDigest.ContainsKey(DigestOf(file)))
            {
                Load(file);
            }
        }

        return [.. _byDigest.Values.Where(g => !g.Manifest.FromSource).OrderBy(g => g.Manifest.Name, StringComparer.Ordinal).ThenBy(g => g.Manifest.Version, StringComparer.Ordinal)];
    }

    /// <summary>Resolves a pointer to a stored gem, or null; looks in the folder for one another gateway published.</summary>
    public StoredGem? Resolve(GemPointer pointer)
    {
        ArgumentNullException.ThrowIfNull(pointer);
        if (pointer.Digest is { } digest)
        {
            return _byDigest.GetValueOrDefault(digest) ?? (File.Exists(PathOf(digest)) ? Load(PathOf(digest)) : null);
        }

        return _byNameVersion.GetValueOrDefault(Key(pointer.Name!, pointer.Version!))
            ?? (ReadName(pointer.Name!, pointer.Version!) is { } named ? Resolve(GemPointer.Parse(named)) : null);
    }

    /// <summary>Opens a stored gem's bytes, or null when there is none with that digest.</summary>
    public Stream? Open(string digest) =>
        _byDigest.ContainsKey(digest) || Resolve(GemPointer.Parse(digest)) is not null ? File.OpenRead(PathOf(digest)) : null;

    // Indexes a gem file; null (and a log line) for one this gateway cannot serve.
    private StoredGem? Load(string file)
    {
        try
        {
            var bytes = File.ReadAllBytes(file);
            return Index(GemArchive.Digest(bytes), GemArchive.ReadManifest(bytes, _maxUnpackedBytes), bytes.Length);
        }
        catch (InvalidDataException ex)
        {
            // Stored by an older gateway (a manifest without its contract hash, say): not served until published again.
            Log.GemNotServed(_logger, Path.GetFileName(file), ex.Message);
            return null;
        }
    }

    // Records which digest a name and version stand for, unless a digest is recorded already; returns the recorded one.
    private string TryName(GemManifest manifest, string digest)
    {
        var path = NamePath(manifest.Name, manifest.Version);
        if (!File.Exists(path))
        {
            var partial = path + "." + Guid.NewGuid().ToString("N") + ".partial";
            File.WriteAllText(partial, digest);
            try
            {
                File.Move(partial, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another gateway named this version first; its digest stands.
                File.Delete(partial);
            }
        }

        return File.ReadAllText(path);
    }

    private string? ReadName(string name, string version) =>
        File.Exists(NamePath(name, version)) ? File.ReadAllText(NamePath(name, version)) : null;

    // Names and versions are free text: the file is named by their hash.
    private string NamePath(string name, string version) =>
        Path.Combine(_names, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Key(name, version)))));

    private static string DigestOf(string file) => "sha256:" + Path.GetFileNameWithoutExtension(file);

    private StoredGem Index(string digest, GemManifest manifest, long size)
    {
        var gem = new StoredGem(digest, manifest, size);
        _byDigest[digest] = gem;
        if (!manifest.FromSource)
        {
            _byNameVersion[Key(manifest.Name, manifest.Version)] = gem;
        }

        return gem;
    }

    private string PathOf(string digest) => Path.Combine(_root, digest["sha256:".Length..] + Extension);

    private static string Key(string name, string version) => name + "@" + version;
}
