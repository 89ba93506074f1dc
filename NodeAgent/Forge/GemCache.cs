using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using MeshRpc.ControlPlane;
using MeshRpc.NodeAgent.Configuration;
using MeshRpc.NodeAgent.Registration;
using Refit;

namespace MeshRpc.NodeAgent.Forge;

/// <summary>Fetches gems from the gateway by digest, verifies them, and keeps them unpacked on the node, with the gems compiled here from summoned source.</summary>
public sealed class GemCache
{
    private readonly IGatewayApi _gateway;
    private readonly string _root;
    private readonly ConcurrentDictionary<string, Lazy<Task<CachedGem>>> _fetches = new(StringComparer.Ordinal);

    /// <summary>Creates the cache under the agent's work directory.</summary>
    public GemCache(IGatewayApi gateway, NodeAgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _gateway = gateway;
        _root = options.GemCacheDirectory;
        Directory.CreateDirectory(_root);
    }

    /// <summary>Returns the unpacked, verified gem and its manifest, fetching and reading them once.</summary>
    public async Task<CachedGem> GetAsync(string digest, CancellationToken cancellationToken)
    {
        if (!GemPointer.IsDigest(digest))
        {
            throw new ForgeException(MeshErrorCodes.InvalidRequest, $"'{digest}' is not a gem digest ('sha256:' and 64 lowercase hex digits).");
        }

        var fetch = _fetches.GetOrAdd(digest, d => new Lazy<Task<CachedGem>>(() => FetchAsync(d)));
        try
        {
            var gem = await fetch.Value.WaitAsync(cancellationToken);
            if (gem.Manifest.FromSource)
            {
                // Its last use, by which EvictCompiled chooses what goes first.
                Directory.SetLastWriteTimeUtc(gem.Directory, DateTime.UtcNow);
            }

            return gem;
        }
        catch (Exception) when (fetch.Value.IsFaulted)
        {
            // A failed fetch must not poison the cache: the next summon tries again.
            _fetches.TryRemove(new KeyValuePair<string, Lazy<Task<CachedGem>>>(digest, fetch));
            throw;
        }
    }

    /// <summary>Puts a gem made on this node (compiled source) in the cache; returns its digest and the unpacked gem.</summary>
    public async Task<(string Digest, CachedGem Gem)> AddAsync(byte[] archive, CancellationToken cancellationToken)
    {
        var digest = GemArchive.Digest(archive);
        var add = _fetches.GetOrAdd(digest, d => new Lazy<Task<CachedGem>>(() => Task.Run(() => Existing(d) ?? Unpack(d, archive))));
        return (digest, await add.Value.WaitAsync(cancellationToken));
    }

    /// <summary>
    /// Deletes the least recently used gems compiled from source until those left take at most <paramref name="maxBytes"/>
    /// on disk. A worker running one keeps its loaded files; a later summon of its source compiles it again, or fetches it.
    /// </summary>
    public void EvictCompiled(long maxBytes)
    {
        var compiled = new DirectoryInfo(_root).EnumerateDirectories()
            .Where(d => !d.Name.StartsWith('.') && IsFromSource(d.FullName))
            .OrderByDescending(d => d.LastWriteTimeUtc)
            .ToList();
        long total = 0;
        foreach (var directory in compiled)
        {
            total += directory.EnumerateFiles().Sum(f => f.Length);
            if (total > maxBytes)
            {
                _fetches.TryRemove("sha256:" + directory.Name, out _);
                directory.Delete(recursive: true);
            }
        }
    }

    private static bool IsFromSource(string directory)
    {
        try
        {
            return ReadManifest(directory).FromSource;
        }
        catch (Exception ex) when (ex is IOException or JsonException or ForgeException)
        {
            return false;
        }
    }

    private CachedGem? Existing(string digest)
    {
        // Unpacked by an earlier run of this agent.
        var directory = DirectoryOf(digest);
        return Directory.Exists(directory) ? new CachedGem(directory, ReadManifest(directory)) : null;
    }

    private string DirectoryOf(string digest) => Path.Combine(_root, digest["sha256:".Length..]);

    private async Task<CachedGem> FetchAsync(string digest)
    {
        if (Existing(digest) is { } existing)
        {
            return existing;
        }

        byte[] archive;
        try
        {
            await using var download = await _gateway.DownloadGemAsync(digest);
            using var buffer = new MemoryStream();
            await download.CopyToAsync(buffer);
            archive = buffer.ToArray();
        }
        catch (ApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ForgeException(MeshErrorCodes.GemNotFound, $"The gateway's gem store has no gem {digest}.", ex);
        }
        catch (Exception ex) when (ex is ApiExceptionBase or HttpRequestException or IOException)
        {
            throw new ForgeException(MeshErrorCodes.ForgeFailed, $"The node could not download gem {digest} from the gateway: {ex.Message}", ex);
        }

        var actual = GemArchive.Digest(archive);
        if (actual != digest)
        {
            throw new ForgeException(MeshErrorCodes.ForgeFailed,
                $"The gem fetched as {digest} hashes to {actual}; refusing to run it. The gem store is corrupt or the download was altered.");
        }

        return Unpack(digest, archive);
    }

    private CachedGem Unpack(string digest, byte[] archive)
    {
        var directory = DirectoryOf(digest);

        // Unpack beside the final folder and rename, so a half-unpacked gem is never visible.
        var staging = Path.Combine(_root, ".staging-" + Guid.NewGuid().ToString("N"));
        GemManifest manifest;
        try
        {
            GemArchive.Extract(archive, Directory.CreateDirectory(staging).FullName);
            manifest = GemArchive.ReadManifest(archive);
        }
        catch (InvalidDataException ex)
        {
            Directory.Delete(staging, recursive: true);
            throw new ForgeException(MeshErrorCodes.ForgeFailed, $"The gem {digest} cannot be unpacked: {ex.Message}", ex);
        }

        if (manifest.Native is { } native && !OperatingSystem.IsWindows())
        {
            // Zip entries carry no file modes: the native host must be made executable to be run at all.
            File.SetUnixFileMode(Path.Combine(staging, native.Executable),
                UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        try
        {
            Directory.Move(staging, directory);
        }
        catch (IOException) when (Directory.Exists(directory))
        {
            Directory.Delete(staging, recursive: true);
        }

        return new CachedGem(directory, manifest);
    }

    private static GemManifest ReadManifest(string directory)
    {
        using var stream = File.OpenRead(Path.Combine(directory, GemManifest.FileName));
        return JsonSerializer.Deserialize(stream, ControlPlaneJsonContext.Default.GemManifest)
            ?? throw new ForgeException(MeshErrorCodes.ForgeFailed, $"The cached gem at {directory} has an empty manifest.");
    }
}

/// <summary>A gem unpacked on the node, and its manifest.</summary>
/// <param name="Directory">The folder it is unpacked in.</param>
/// <param name="Manifest">Its manifest, read once when the gem entered the cache.</param>
public sealed record CachedGem(string Directory, GemManifest Manifest);
