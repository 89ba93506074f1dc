namespace MeshRpc;

/// <summary>
/// A summoned worker owned by a dependency-injection scope, for async code: <see cref="GetAsync"/> summons it on first
/// use without blocking a thread, later calls return the same proxy, and disposing the scope tears it down.
/// Registered by <c>AddMeshWorker&lt;T&gt;</c> beside <typeparamref name="T"/> itself.
/// </summary>
public sealed class MeshWorker<T> : IAsyncDisposable, IDisposable
    where T : class
{
    private readonly MeshClient _client;
    private readonly SummonRequest _summon;
    private readonly SemaphoreSlim _summoning = new(1, 1);
    private T? _worker;
    private bool _disposed;

    /// <summary>Creates the lease; nothing is summoned until <see cref="GetAsync"/>.</summary>
    public MeshWorker(MeshClient client, SummonRequest summon)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(summon);
        _client = client;
        _summon = summon;
    }

    /// <summary>The worker: summoned by the first call (which the others wait for), the same proxy afterwards.</summary>
    public async ValueTask<T> GetAsync(CancellationToken cancellationToken = default)
    {
        if (_worker is { } ready)
        {
            return ready;
        }

        await _summoning.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _worker ??= await _client.SummonAsync<T>(_summon, cancellationToken);
        }
        finally
        {
            _summoning.Release();
        }
    }

    /// <summary>Tears the worker down synchronously, for scopes that only dispose synchronously.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Tears the worker down, if one was summoned.</summary>
    public async ValueTask DisposeAsync()
    {
        await _summoning.WaitAsync();
        try
        {
            _disposed = true;
            if (_worker is IAsyncDisposable worker)
            {
                await worker.DisposeAsync();
            }
        }
        finally
        {
            _summoning.Release();
        }
    }
}
