using System.Runtime.CompilerServices;
using System.Text.Json;
using MeshRpc.Client.Calls;
using MeshRpc.Wire;

namespace MeshRpc;

/// <summary>Base of every generated ghost proxy: turns calls into JSON-RPC and JSON-RPC failures into MeshRpc exceptions.</summary>
public abstract class GhostProxy : IGhostProxy
{
    private static readonly MeshArgumentsBody<long> NextBatch = static (writer, streamId) =>
    {
        writer.Write(streamId);
        writer.Write(StreamProtocol.BatchSize);
    };

    /// <summary>Creates the proxy over a connected worker.</summary>
    protected GhostProxy(WorkerConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Connection = connection;
    }

    /// <inheritdoc />
    public WorkerConnection Connection { get; }

    /// <summary>Calls a method that takes no arguments and returns no value, within <paramref name="timeoutMs"/> (its <c>[MeshTimeout]</c>; 0: none of its own).</summary>
    protected ValueTask CallAsync(string method, int timeoutMs, CancellationToken cancellationToken) =>
        Connection.CallAsync(method, 0, MeshArgumentsWriter.None, timeoutMs, cancellationToken);

    /// <summary>Calls a method that returns no value with the arguments <paramref name="body"/> writes, within <paramref name="timeoutMs"/> (0: none of its own).</summary>
    protected ValueTask CallAsync<TArguments>(string method, TArguments arguments, MeshArgumentsBody<TArguments> body, int timeoutMs, CancellationToken cancellationToken) =>
        Connection.CallAsync(method, arguments, body, timeoutMs, cancellationToken);

    /// <summary>Calls a method that takes no arguments and returns <typeparamref name="TResult"/>, within <paramref name="timeoutMs"/> (0: none of its own).</summary>
    protected ValueTask<TResult> CallAsync<TResult>(string method, int timeoutMs, CancellationToken cancellationToken) =>
        CallAsync<TResult, int>(method, 0, MeshArgumentsWriter.None, timeoutMs, cancellationToken);

    /// <summary>
    /// Calls a method that returns <typeparamref name="TResult"/> with the arguments <paramref name="body"/> writes, within
    /// <paramref name="timeoutMs"/> (its <c>[MeshTimeout]</c>; 0: none of its own). Failures surface as MeshRpc's
    /// exceptions (<see cref="RemoteWorkerException"/>, <see cref="WorkerLostException"/>, <see cref="CallRefusedException"/>,
    /// <see cref="CallTimeoutException"/>). In the steady state a call allocates nothing of MeshRpc's.
    /// </summary>
    protected ValueTask<TResult> CallAsync<TResult, TArguments>(string method, TArguments arguments, MeshArgumentsBody<TArguments> body, int timeoutMs, CancellationToken cancellationToken) =>
        Connection.CallAsync(method, arguments, body, Connection.Calls.TypeInfo<TResult>(), timeoutMs, byName: false, cancellationToken);

    /// <summary>Sends a one-way notification that takes no arguments.</summary>
    protected void Notify(string method) => Notify(method, 0, MeshArgumentsWriter.None);

    /// <summary>Sends a one-way notification: returns once the message is written, without waiting for the worker.</summary>
    protected void Notify<TArguments>(string method, TArguments arguments, MeshArgumentsBody<TArguments> body)
    {
        // A notification has no reply to carry its failure; a lost connection surfaces on the next call instead.
        CallChannel.Observe(Connection.Calls.NotifyAsync(method, arguments, body));
    }

    /// <summary>Calls a streaming method that takes no arguments (see the overload with arguments).</summary>
    protected IAsyncEnumerable<T> Stream<T>(string method, CancellationToken methodToken) => Stream<T, int>(method, 0, MeshArgumentsWriter.None, methodToken);

    /// <summary>
    /// Calls a streaming method and pulls its items in batches; the worker produces only as fast as this enumerator is read.
    /// Disposing the enumerator early or cancelling stops the worker's enumeration (its cancellation token fires).
    /// </summary>
    protected async IAsyncEnumerable<T> Stream<T, TArguments>(string method, TArguments arguments, MeshArgumentsBody<TArguments> body, CancellationToken methodToken, [EnumeratorCancellation] CancellationToken enumeratorToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(methodToken, enumeratorToken);
        var cancellationToken = linked.Token;
        var typeInfo = Connection.Calls.TypeInfo<T>();
        var handle = await CallAsync<StreamHandle, TArguments>(method, arguments, body, timeoutMs: 0, cancellationToken);
        var done = false;
        try
        {
            while (!done)
            {
                var batch = await CallAsync<StreamBatch, long>(StreamProtocol.Next, handle.StreamId, NextBatch, timeoutMs: 0, cancellationToken);
                done = batch.Done;
                foreach (var item in batch.Items)
                {
                    yield return item.Deserialize(typeInfo)!;
                }
            }
        }
        finally
        {
            if (!done)
            {
                Notify(StreamProtocol.Dispose, handle.StreamId, static (writer, streamId) => writer.Write(streamId));
            }
        }
    }

    /// <summary>Tears the worker down: its sandbox is gone when this returns.</summary>
    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return Connection.DisposeAsync();
    }

    /// <summary>Tears the worker down synchronously, for owners (such as a DI scope) that only dispose synchronously.</summary>
    public void Dispose()
    {
        Connection.DisposeAsync().AsTask().GetAwaiter().GetResult();
        GC.SuppressFinalize(this);
    }

}

/// <summary>Implemented by every ghost proxy; exposes the connection behind it.</summary>
public interface IGhostProxy : IAsyncDisposable, IDisposable
{
    /// <summary>The data-plane connection the proxy calls through.</summary>
    WorkerConnection Connection { get; }
}
