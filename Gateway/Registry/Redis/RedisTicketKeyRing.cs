using System.Security.Cryptography;
using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Security;
using MeshRpc.Tickets;
using StackExchange.Redis;

namespace MeshRpc.Gateway.Registry.Redis;

/// <summary>
/// The ticket keys every gateway of a swarm signs with, in one Redis hash (<c>current</c>, <c>previous</c>, and each
/// key's PEM under <c>key:{id}</c>). A rotation on any gateway is one script; every gateway reads the ring again each
/// second, and, should Redis come back empty, writes back the ring it holds.
/// </summary>
public sealed class RedisTicketKeyRing : ITicketKeyRing, IAsyncDisposable
{
    private static readonly TimeSpan ReadEvery = TimeSpan.FromSeconds(1);

    // Writes the ring this gateway holds unless Redis has one; returns the current and previous ids Redis has then.
    private const string InitScript = """
        if redis.call('HEXISTS', KEYS[1], 'current') == 0 then
          redis.call('HSET', KEYS[1], 'current', ARGV[1], 'key:' .. ARGV[1], ARGV[2])
          if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'previous', ARGV[3], 'key:' .. ARGV[3], ARGV[4]) end
        end
        return redis.call('HMGET', KEYS[1], 'current', 'previous')
        """;

    // Makes ARGV[1] current; the current becomes previous; the previous one's key leaves.
    private const string RotateScript = """
        local current = redis.call('HGET', KEYS[1], 'current')
        local previous = redis.call('HGET', KEYS[1], 'previous')
        if previous then redis.call('HDEL', KEYS[1], 'key:' .. previous) end
        if current then redis.call('HSET', KEYS[1], 'previous', current) end
        redis.call('HSET', KEYS[1], 'current', ARGV[1], 'key:' .. ARGV[1], ARGV[2])
        return 1
        """;

    private readonly IDatabase _redis;
    private readonly RedisKey _hash;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _reading;
    private volatile LocalTicketKeyRing.Ring _ring;

    // The PEM of each key this gateway holds, to write the ring back to a Redis that lost it.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _pems = new(StringComparer.Ordinal);

    /// <summary>Reads the ring, or writes the first key of the swarm.</summary>
    public RedisTicketKeyRing(IConnectionMultiplexer redis, RedisKeys keys)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(keys);
        _redis = redis.GetDatabase();
        _hash = keys.TicketKeys;
        using var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var ids = (RedisValue[])_redis.ScriptEvaluate(InitScript, [_hash], [TicketSigner.KeyIdOf(fresh), fresh.ExportPkcs8PrivateKeyPem(), "", ""])!;
        _ring = Load(ids[0], ids[1], held: null) ?? throw new RedisStateException("Redis holds a ticket-key ring without its keys; delete it (the next gateway writes a fresh one), or restore it.");
        _reading = RedisLoop.RunAsync(ReadEvery, TimeProvider.System, ReadAsync, _stopping.Token);
    }

    /// <inheritdoc />
    public TicketSigner Current => _ring.Current;

    /// <inheritdoc />
    public IReadOnlyList<TicketKey> Keys => _ring.Keys;

    /// <inheritdoc />
    public TicketSigner? Find(string keyId) => _ring.Find(keyId);

    /// <inheritdoc />
    public async Task<TicketKey> RotateAsync(CancellationToken cancellationToken)
    {
        using var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await _redis.ScriptEvaluateAsync(RotateScript, [_hash], [TicketSigner.KeyIdOf(fresh), fresh.ExportPkcs8PrivateKeyPem()]);
        await ReadAsync();
        return _ring.Keys[0];
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _reading;
        _stopping.Dispose();
    }

    private async Task ReadAsync()
    {
        var held = _ring;
        var ids = (RedisValue[])(await _redis.ScriptEvaluateAsync(InitScript, [_hash],
            [held.Current.KeyId, Pem(held.Current), held.Previous?.KeyId ?? "", held.Previous is { } previous ? Pem(previous) : ""]))!;
        if (ids[0] != held.Current.KeyId || ids[1] != held.Previous?.KeyId)
        {
            _ring = Load(ids[0], ids[1], held) ?? held;
        }
    }

    // The ring as Redis holds it, its keys read (and kept) once each; null when a key Redis names is missing.
    private LocalTicketKeyRing.Ring? Load(RedisValue currentId, RedisValue previousId, LocalTicketKeyRing.Ring? held)
    {
        var current = Signer(currentId, held);
        var previous = previousId.HasValue ? Signer(previousId, held) : null;
        return current is null ? null : new LocalTicketKeyRing.Ring(current, previous);
    }

    private TicketSigner? Signer(RedisValue id, LocalTicketKeyRing.Ring? held)
    {
        if (held?.Find((string)id!) is { } known)
        {
            return known;
        }

        var pem = (string?)_redis.HashGet(_hash, "key:" + (string)id!);
        if (pem is null)
        {
            return null;
        }

        var key = ECDsa.Create();
        key.ImportFromPem(pem);
        _pems[(string)id!] = pem;
        return new TicketSigner(key, (string)id!);
    }

    private string Pem(TicketSigner signer) => _pems[signer.KeyId];
}
