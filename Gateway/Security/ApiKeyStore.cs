using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MeshRpc.ControlPlane;

namespace MeshRpc.Gateway.Security;

/// <summary>One API key as the store keeps it: never the key itself, only its SHA-256.</summary>
/// <param name="Id">The key's public id, the part of the key before its secret.</param>
/// <param name="Owner">The caller the key stands for: it owns the workers the key summons.</param>
/// <param name="Permissions">What the key allows (<see cref="MeshPermissions"/>).</param>
/// <param name="Sha256">Lowercase hex SHA-256 of the whole key.</param>
public sealed record StoredApiKey(string Id, string Owner, IReadOnlyList<string> Permissions, string Sha256);

/// <summary>
/// The operator's API keys, in a JSON file (<c>--api-keys</c>). A key is <c>mesh_{id}_{secret}</c> with 32 random bytes
/// of secret; the file holds only its hash, so a copy of the file authenticates nobody. Gateways that share the file
/// (docs/scaling.md) see each other's keys: a key this store does not know sends it to read the file again, if the file
/// changed since it last did.
/// </summary>
public sealed class ApiKeyStore
{
    /// <summary>Every API key starts with this; other bearer credentials are JWTs.</summary>
    public const string Prefix = "mesh_";

    private readonly string? _path;
    private readonly Lock _issuing = new();

    // Replaced whole when a key is issued: requests read it without a lock.
    private volatile Dictionary<string, StoredApiKey> _keys;

    // The file's last write time when this store last read it (UTC ticks): another gateway sharing the file may have
    // issued keys since.
    private long _readAt;

    private ApiKeyStore(string? path, IEnumerable<StoredApiKey> keys)
    {
        _path = path;
        _keys = Index(keys);
        _readAt = path is null ? 0 : File.GetLastWriteTimeUtc(path).Ticks;
    }

    /// <summary>An empty store with no file: no API key authenticates, and none can be issued.</summary>
    public static ApiKeyStore Empty { get; } = new(null, []);

    /// <summary>Reads the store at <paramref name="path"/>.</summary>
    public static ApiKeyStore Load(string path) => new(path, Read(path));

    /// <summary>Whether this store has a file to issue keys into (the gateway runs with <c>--api-keys</c>).</summary>
    public bool CanIssue => _path is not null;

    /// <summary>
    /// Issues a key as <see cref="Create"/> does, into this store's file, and accepts it from now on; returns the key:
    /// the only time it is seen.
    /// </summary>
    public string Issue(string owner, IReadOnlyList<string> permissions)
    {
        var path = _path ?? throw new InvalidOperationException("This store has no file to issue keys into.");
        lock (_issuing)
        {
            var key = Create(path, owner, permissions);
            ReadAgain(path);
            return key;
        }
    }

    /// <summary>
    /// Creates a key for <paramref name="owner"/> with <paramref name="permissions"/>, adds its hash to the store at
    /// <paramref name="path"/> (made if missing, readable by its owner only) and returns the key: the only time it is seen.
    /// </summary>
    public static string Create(string path, string owner, IReadOnlyList<string> permissions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        ArgumentNullException.ThrowIfNull(permissions);
        if (permissions.Except(MeshPermissions.All, StringComparer.Ordinal).ToList() is { Count: > 0 } unknown)
        {
            throw new ArgumentException($"Unknown permission(s) {string.Join(", ", unknown)}; use {string.Join(", ", MeshPermissions.All)}.", nameof(permissions));
        }

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var key = Prefix + id + "_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);

        // Gateways sharing the file (and the CLI) may issue at once: each adds its key to what the file holds then.
        using var exclusive = LockFile(path + ".lock");
        List<StoredApiKey> keys = [.. File.Exists(path) ? Read(path) : [], new StoredApiKey(id, owner, permissions, Hash(key))];
        var partial = path + "." + Guid.NewGuid().ToString("N") + ".partial";
        File.WriteAllText(partial, JsonSerializer.Serialize(keys, ApiKeyJsonContext.Default.ListStoredApiKey));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(partial, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(partial, path, overwrite: true);
        return key;
    }

    /// <summary>The stored key that <paramref name="presented"/> is, or null.</summary>
    public StoredApiKey? Find(string presented)
    {
        ArgumentNullException.ThrowIfNull(presented);
        var parts = presented.Split('_');
        if (parts is not ["mesh", var id, _]
            || !(_keys.TryGetValue(id, out var stored) || (ReadAgainIfChanged() && _keys.TryGetValue(id, out stored))))
        {
            return null;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(presented)), Encoding.ASCII.GetBytes(stored.Sha256)) ? stored : null;
    }

    /// <summary>Reads the file again when it changed since this store read it (a key issued through another gateway); true when it did.</summary>
    private bool ReadAgainIfChanged()
    {
        if (_path is not { } path || File.GetLastWriteTimeUtc(path).Ticks == Interlocked.Read(ref _readAt))
        {
            return false;
        }

        lock (_issuing)
        {
            try
            {
                ReadAgain(path);
                return true;
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                // The keys read before stand; the next unknown key looks again.
                return false;
            }
        }
    }

    private void ReadAgain(string path)
    {
        var written = File.GetLastWriteTimeUtc(path).Ticks;
        _keys = Index(Read(path));
        Interlocked.Exchange(ref _readAt, written);
    }

    /// <summary>How long issuing waits for another writer (a gateway sharing the file, or the CLI) to finish.</summary>
    public static readonly TimeSpan LockWait = TimeSpan.FromSeconds(5);

    // An exclusive lock other processes see: .NET takes flock for FileShare.None on Unix, without waiting (LOCK_NB), and
    // offers no blocking form, so a writer that finds it held looks again shortly; writers hold it for one file write.
    // The lock file stays: deleting it on release would let two processes lock two files of one name.
    private static FileStream LockFile(string path)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited.Elapsed < LockWait)
            {
                Thread.Sleep(TimeSpan.FromMilliseconds(25));
            }
            catch (IOException ex)
            {
                throw new KeyStoreBusyException(
                    $"Another writer has held the API key store's lock ({Path.GetFileName(path)}) for over {LockWait.TotalSeconds:0} s; no key was issued. Try again; if it persists, look for a stuck process holding it.", ex);
            }
        }
    }

    private static Dictionary<string, StoredApiKey> Index(IEnumerable<StoredApiKey> keys) => keys.ToDictionary(k => k.Id, StringComparer.Ordinal);

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static List<StoredApiKey> Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), ApiKeyJsonContext.Default.ListStoredApiKey) ?? [];
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The API key store {path} is not valid JSON: {ex.Message}", ex);
        }
    }
}

/// <summary>Source-generated JSON for the API key store.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(List<StoredApiKey>))]
internal sealed partial class ApiKeyJsonContext : JsonSerializerContext
{
}

/// <summary>Another writer held the key store's lock for longer than <see cref="ApiKeyStore.LockWait"/>: nothing was issued.</summary>
public sealed class KeyStoreBusyException(string message, Exception innerException) : IOException(message, innerException);
