using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MeshRpc.Wire;
using StreamJsonRpc;

namespace MeshRpc.Hosting;

/// <summary>
/// One authenticated connection's dispatch table. Generated contract code registers each method here; streams
/// (<c>IAsyncEnumerable&lt;T&gt;</c> results) live here until their caller finishes, disposes them, or disconnects.
/// </summary>
public sealed class MeshDispatcher : IAsyncDisposable
{
    private readonly JsonRpc _rpc;
    private readonly JsonSerializerOptions _json;
    private readonly ConcurrentDictionary<long, IWorkerStream> _streams = new();
    private long _nextStreamId;

    /// <summary>Creates the dispatcher and registers the stream protocol's methods.</summary>
    public MeshDispatcher(JsonRpc rpc, JsonSerializerOptions json)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        _rpc = rpc;
        _json = json;
        rpc.AddLocalRpcMethod(StreamProtocol.Next, new Func<long, int, CancellationToken, Task<StreamBatch>>(NextAsync));
        rpc.AddLocalRpcMethod(StreamProtocol.Dispose, new Func<long, Task>(DisposeStreamAsync));
    }

    /// <summary>Registers a request/response or notification method; called by generated code.</summary>
    public void Add(string wireName, Delegate method) => _rpc.AddLocalRpcMethod(wireName, method);

    /// <summary>Starts a stream whose items the caller pulls; called by generated code for <c>IAsyncEnumerable&lt;T&gt;</c> methods.</summary>
    public StreamHandle OpenStream<T>(Func<CancellationToken, IAsyncEnumerable<T>> open)
    {
        ArgumentNullException.ThrowIfNull(open);
        var id = Interlocked.Increment(ref _nextStreamId);
        _streams[id] = new WorkerStream<T>(open, (JsonTypeInfo<T>)_json.GetTypeInfo(typeof(T)));
        return new StreamHandle(id);
    }

    /// <summary>Stops every stream still open, firing their cancellation tokens.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var id in _streams.Keys)
        {
            await DisposeStreamAsync(id);
        }
    }

    private async Task<StreamBatch> NextAsync(long streamId, int maxItems, CancellationToken cancellationToken)
    {
        if (!_streams.TryGetValue(streamId, out var stream))
        {
            throw new InvalidOperationException($"Stream {streamId} is not open on this connection: it finished, was disposed, or never existed.");
        }

        var batch = await stream.NextAsync(Math.Clamp(maxItems, 1, 1024), cancellationToken);
        if (batch.Done)
        {
            await DisposeStreamAsync(streamId);
        }

        return batch;
    }

    private async Task DisposeStreamAsync(long streamId)
    {
        if (_streams.TryRemove(streamId, out var stream))
        {
            await stream.DisposeAsync();
        }
    }

    private interface IWorkerStream : IAsyncDisposable
    {
        Task<StreamBatch> NextAsync(int maxItems, CancellationToken cancellationToken);
    }

    /// <summary>One running enumeration. Items are produced only when pulled, so a slow caller slows the worker down.</summary>
    private sealed class WorkerStream<T>(Func<CancellationToken, IAsyncEnumerable<T>> open, JsonTypeInfo<T> typeInfo) : IWorkerStream
    {
        private readonly CancellationTokenSource _cancel = new();
        private readonly SemaphoreSlim _pulling = new(1, 1);
        private IAsyncEnumerator<T>? _enumerator;

        public async Task<StreamBatch> NextAsync(int maxItems, CancellationToken cancellationToken)
        {
            await _pulling.WaitAsync(cancellationToken);
            try
            {
                _enumerator ??= open(_cancel.Token).GetAsyncEnumerator(_cancel.Token);
                var items = new List<JsonElement>(maxItems);
                while (items.Count < maxItems)
                {
                    if (!await _enumerator.MoveNextAsync())
                    {
                        return new StreamBatch([.. items], Done: true);
                    }

                    items.Add(JsonSerializer.SerializeToElement(_enumerator.Current, typeInfo));
                }

                return new StreamBatch([.. items], Done: false);
            }
            finally
            {
                _pulling.Release();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _cancel.CancelAsync();

            // An enumeration that ignores its token must not hold the connection's teardown hostage.
            if (!await _pulling.WaitAsync(TimeSpan.FromSeconds(5)))
            {
                return;
            }

            try
            {
                if (_enumerator is not null)
                {
                    await _enumerator.DisposeAsync();
                }
            }
            catch (OperationCanceledException)
            {
                // The enumeration honoured its cancellation: that is how a disposed stream should end.
            }
            finally
            {
                _pulling.Release();
                _cancel.Dispose();
            }
        }
    }
}
