using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MeshRpc.Client.Telemetry;
using MeshRpc.Wire;

namespace MeshRpc;

/// <summary>Base of every generated ghost proxy: turns calls into JSON-RPC and JSON-RPC failures into MeshRpc exceptions.</summary>
public abstract class GhostProxy : IGhostProxy
{
    /// <summary>Creates the proxy over a connected worker.</summary>
    protected GhostProxy(WorkerConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Connection = connection;
    }

    /// <inheritdoc />
    public WorkerConnection Connection { get; }

    /// <summary>Calls a method that returns no value.</summary>
    protected Task InvokeAsync(string method, object?[] arguments, CancellationToken cancellationToken) =>
        InvokeAsync(method, arguments, timeoutMs: 0, cancellationToken);

    /// <summary>Calls a method that returns no value, within <paramref name="timeoutMs"/> (its <c>[MeshTimeout]</c>; 0: none of its own).</summary>
    protected async Task InvokeAsync(string method, object?[] arguments, int timeoutMs, CancellationToken cancellationToken)
    {
        var call = ClientTelemetry.StartCall(Connection, method);
        using var deadline = CallDeadline.Start(Connection, timeoutMs, cancellationToken);
        Exception? failure = null;
        try
        {
            await Connection.Calls.InvokeAsync(method, arguments, deadline.Token);
        }
        catch (Exception ex) when ((failure = ex) is null)
        {
            // Never taken: the filter only notes the failure for the call's span.
            throw;
        }
        catch (Exception ex) when (deadline.Expired(ex, cancellationToken))
        {
            throw new CallTimeoutException(Connection.Ticket.WorkerId, method, deadline.Timeout!.Value, ex);
        }
        catch (Exception ex) when (Translate(method, ex) is { } translated)
        {
            throw translated;
        }
        finally
        {
            ClientTelemetry.EndCall(call, Connection, method, failure);
        }
    }

    /// <summary>Calls a method that returns <typeparamref name="TResult"/>.</summary>
    protected Task<TResult> InvokeAsync<TResult>(string method, object?[] arguments, CancellationToken cancellationToken) =>
        InvokeAsync<TResult>(method, arguments, timeoutMs: 0, cancellationToken);

    /// <summary>Calls a method that returns <typeparamref name="TResult"/>, within <paramref name="timeoutMs"/> (its <c>[MeshTimeout]</c>; 0: none of its own).</summary>
    protected async Task<TResult> InvokeAsync<TResult>(string method, object?[] arguments, int timeoutMs, CancellationToken cancellationToken)
    {
        var call = ClientTelemetry.StartCall(Connection, method);
        using var deadline = CallDeadline.Start(Connection, timeoutMs, cancellationToken);
        Exception? failure = null;
        try
        {
            return await Connection.Calls.InvokeAsync<TResult>(method, arguments, deadline.Token);
        }
        catch (Exception ex) when ((failure = ex) is null)
        {
            // Never taken: the filter only notes the failure for the call's span.
            throw;
        }
        catch (Exception ex) when (deadline.Expired(ex, cancellationToken))
        {
            throw new CallTimeoutException(Connection.Ticket.WorkerId, method, deadline.Timeout!.Value, ex);
        }
        catch (Exception ex) when (Translate(method, ex) is { } translated)
        {
            throw translated;
        }
        finally
        {
            ClientTelemetry.EndCall(call, Connection, method, failure);
        }
    }

    /// <summary>Sends a one-way notification: returns once the message is written, without waiting for the worker.</summary>
    protected void Notify(string method, object?[] arguments)
    {
        var sent = Connection.Calls.NotifyAsync(method, arguments);

        // A notification has no reply to carry its failure; a lost connection surfaces on the next call instead.
        if (!sent.IsCompletedSuccessfully)
        {
            _ = sent.AsTask().ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// Calls a streaming method and pulls its items in batches; the worker produces only as fast as this enumerator is read.
    /// Disposing the enumerator early or cancelling stops the worker's enumeration (its cancellation token fires).
    /// </summary>
    protected async IAsyncEnumerable<T> Stream<T>(string method, object?[] arguments, CancellationToken methodToken, [EnumeratorCancellation] CancellationToken enumeratorToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(methodToken, enumeratorToken);
        var cancellationToken = linked.Token;
        var typeInfo = (JsonTypeInfo<T>)Connection.Contract.JsonOptions.GetTypeInfo(typeof(T));
        var handle = await InvokeAsync<StreamHandle>(method, arguments, cancellationToken);
        var done = false;
        try
        {
            while (!done)
            {
                var batch = await InvokeAsync<StreamBatch>(StreamProtocol.Next, [handle.StreamId, StreamProtocol.BatchSize], cancellationToken);
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
                Notify(StreamProtocol.Dispose, [handle.StreamId]);
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

    private MeshRpcException? Translate(string method, Exception ex) => CallFailures.Translate(Connection, method, ex);
}

/// <summary>Implemented by every ghost proxy; exposes the connection behind it.</summary>
public interface IGhostProxy : IAsyncDisposable, IDisposable
{
    /// <summary>The data-plane connection the proxy calls through.</summary>
    WorkerConnection Connection { get; }
}
