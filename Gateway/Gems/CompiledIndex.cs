using MeshRpc.ControlPlane;

namespace MeshRpc.Gateway.Gems;

/// <summary>
/// Which gem each compiled source became: a folder with one file per <see cref="SourceKey"/>, holding the gem's digest,
/// whose last write time is its last use. Files, written under a temporary name and renamed, so the index survives a
/// restart and gateways sharing the gem store's folder share it too.
/// </summary>
public sealed class CompiledIndex
{
    private const string Partial = ".partial";
    private readonly string _directory;

    /// <summary>Opens (or creates) the index in <paramref name="directory"/>.</summary>
    public CompiledIndex(string directory) => _directory = Directory.CreateDirectory(directory).FullName;

    /// <summary>The digest of the gem <paramref name="key"/> compiled to, or null; a hit counts as a use.</summary>
    public string? Find(string key)
    {
        var path = PathOf(key);
        try
        {
            var digest = File.ReadAllText(path);
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
            return GemPointer.IsDigest(digest) ? digest : null;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Records that <paramref name="key"/> compiled to the gem <paramref name="digest"/>.</summary>
    public void Record(string key, string digest)
    {
        var path = PathOf(key);
        var partial = path + "." + Guid.NewGuid().ToString("N") + Partial;
        File.WriteAllText(partial, digest);
        File.Move(partial, path, overwrite: true);
    }

    /// <summary>
    /// Forgets the least recently used records until the gems the rest name take at most <paramref name="maxBytes"/>
    /// (<paramref name="sizeOf"/> a gem's size, 0 when it is gone); returns the digests no record names any more, for the
    /// caller to delete.
    /// </summary>
    public IReadOnlyList<string> Evict(long maxBytes, Func<string, long> sizeOf)
    {
        ArgumentNullException.ThrowIfNull(sizeOf);
        var records = new DirectoryInfo(_directory).EnumerateFiles()
            .Where(f => SourceKey.IsKey(f.Name))
            .OrderByDescending(f => f.LastWriteTimeUtc)
            .Select(f => (File: f, Digest: ReadDigest(f)))
            .Where(r => r.Digest is not null)
            .ToList();
        var kept = new HashSet<string>(StringComparer.Ordinal);
        var dropped = new HashSet<string>(StringComparer.Ordinal);
        long total = 0;
        foreach (var (file, digest) in records)
        {
            // A digest is kept or dropped at its most recently used record; its older records follow it.
            if (kept.Contains(digest!))
            {
                continue;
            }

            if (!dropped.Contains(digest!))
            {
                var size = sizeOf(digest!);
                if (total + size <= maxBytes)
                {
                    total += size;
                    kept.Add(digest!);
                    continue;
                }

                dropped.Add(digest!);
            }

            file.Delete();
        }

        return [.. dropped];
    }

    private static string? ReadDigest(FileInfo file)
    {
        try
        {
            var digest = File.ReadAllText(file.FullName);
            return GemPointer.IsDigest(digest) ? digest : null;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private string PathOf(string key) => SourceKey.IsKey(key)
        ? Path.Combine(_directory, key)
        : throw new ArgumentException($"'{key}' is not a source key.", nameof(key));
}
