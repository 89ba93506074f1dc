using System.Collections.Concurrent;
using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MeshRpc.Hosting.Calls;
using MeshRpc.Wire;

namespace MeshRpc.Hosting;

/// <summary>
/// One authenticated connection's dispatch table. Generated contract code registers each method here; streams
/// (<c>IAsyncEnumerable&lt;T&gt;</c> results) live here until their caller finishes, disposes them, or disconnects.
/// </summary>
public sealed class MeshDispatcher : IAsyncDisposable
{
    private readonly JsonSerializerOptions _json;
    private readonly Dictionary<string, ServedMethod> _methods = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, IWorkerStream> _streams = new();
    private long _nextStreamId;

    /// <summary>Creates the dispatcher for a contract whose types <paramref name="json"/> knows, with the stream protocol's methods.</summary>
    internal MeshDispatcher(JsonSerializerOptions json)
    {
        _json = json;
        Add(StreamProtocol.Next, 2, cancellable: true, (ref MeshArguments arguments, CancellationToken cancellationToken) =>
            new ValueTask<StreamBatch>(NextAsync(arguments.Next<long>(), arguments.Next<int>(), cancellationToken)));
        Add(StreamProtocol.Dispose, 1, cancellable: false, (ref MeshArguments arguments, CancellationToken _) =>
            new ValueTask(DisposeStreamAsync(arguments.Next<long>())));
    }

    /// <summary>The methods served, by wire name.</summary>
    internal Dictionary<string, ServedMethod> Methods => _methods;

    /// <summary>Serves a method with a result under <paramref name="wireName"/>; called by generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void Add<TResult>(string wireName, int argumentCount, bool cancellable, MeshMethod<TResult> method) =>
        _methods.Add(wireName, new ServedMethod<TResult>(argumentCount, cancellable, method, (JsonTypeInfo<TResult>)MeshJson.TypeInfo(_json, typeof(TResult))));

    /// <summary>Serves a method without a result (or a notification) under <paramref name="wireName"/>; called by generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void Add(string wireName, int argumentCount, bool cancellable, MeshMethod method) =>
        _methods.Add(wireName, new ServedVoidMethod(argumentCount, cancellable, method));

    /// <summary>Serves a streaming method under <paramref name="wireName"/>: its reply is a handle the caller pulls items through; called by generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void AddStream<T>(string wireName, int argumentCount, MeshStreamMethod<T> open)
    {
        ArgumentNullException.ThrowIfNull(open);
        Add(wireName, argumentCount, cancellable: false, (ref MeshArguments arguments, CancellationToken _) => new ValueTask<StreamHandle>(OpenStream(open(ref arguments))));
    }

    /// <summary>Starts a stream whose items the caller pulls.</summary>
    private StreamHandle OpenStream<T>(Func<CancellationToken, IAsyncEnumerable<T>> open)
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
