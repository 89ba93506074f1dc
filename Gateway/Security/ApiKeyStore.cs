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
/// of secret; the file holds only its hash, so a copy of the file authenticates nobody.
/// </summary>
public sealed class ApiKeyStore
{
    /// <summary>Every API key starts with this; other bearer credentials are JWTs.</summary>
    public const string Prefix = "mesh_";

    private readonly string? _path;
    private readonly Lock _issuing = new();

    // Replaced whole when a key is issued: requests read it without a lock.
    private volatile Dictionary<string, StoredApiKey> _keys;

    private ApiKeyStore(string? path, IEnumerable<StoredApiKey> keys)
    {
        _path = path;
        _keys = Index(keys);
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
            _keys = Index(Read(path));
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
        List<StoredApiKey> keys = [.. File.Exists(path) ? Read(path) : [], new StoredApiKey(id, owner, permissions, Hash(key))];
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var partial = path + ".partial";
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
        if (parts is not ["mesh", var id, _] || !_keys.TryGetValue(id, out var stored))
        {
            return null;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(presented)), Encoding.ASCII.GetBytes(stored.Sha256)) ? stored : null;
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
