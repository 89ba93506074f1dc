using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using MeshRpc.Gateway.Security;
using MeshRpc.Tls;
using StackExchange.Redis;

namespace MeshRpc.Gateway.Registry.Redis;

/// <summary>
/// The client certificate every gateway of a swarm presents alike: the first gateway to start writes it into Redis, the
/// others read it. A Redis that comes back empty (restarted without persistence) gets it back from the running gateways
/// within a second, so a gateway that starts then reads the same one. Redis then holds a private key, so only the
/// gateways may reach it (docs/scaling.md).
/// </summary>
public sealed class RedisGatewaySecrets : IGatewaySecrets, IAsyncDisposable
{
    private static readonly TimeSpan KeepEvery = TimeSpan.FromSeconds(1);

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKeys _keys;
    private readonly ConcurrentDictionary<string, byte[]> _held = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _keeping;

    /// <summary>Creates the secrets over <paramref name="redis"/>; the ones this gateway holds are written back whenever Redis lost them.</summary>
    public RedisGatewaySecrets(IConnectionMultiplexer redis, RedisKeys keys)
    {
        _redis = redis;
        _keys = keys;
        _keeping = RedisLoop.RunAsync(KeepEvery, TimeProvider.System, KeepAsync, _stopping.Token);
    }

    /// <inheritdoc />
    public X509Certificate2 ClientCertificate() =>
        X509CertificateLoader.LoadPkcs12(GetOrCreate(_keys.GatewayCertificate, () =>
        {
            using var fresh = WorkerCertificate.Create();
            return fresh.Export(X509ContentType.Pkcs12);
        }), password: null);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _keeping;
        _stopping.Dispose();
    }

    // Read once, at start-up (the ticket issuer and the certificate load them), before any request is served.
    private byte[] GetOrCreate(RedisKey key, Func<byte[]> create)
    {
        var database = _redis.GetDatabase();
        database.StringSet(key, create(), when: When.NotExists);
        var value = (byte[]?)database.StringGet(key) ?? throw new RedisStateException($"Redis lost {key} between writing and reading it; restart the gateway.");
        _held[key!] = value;
        return value;
    }

    // Writes back what Redis lost (restarted empty); what it has stays as it is.
    private async Task KeepAsync()
    {
        foreach (var (key, value) in _held)
        {
            await _redis.GetDatabase().StringSetAsync(key, value, when: When.NotExists);
        }
    }
}
