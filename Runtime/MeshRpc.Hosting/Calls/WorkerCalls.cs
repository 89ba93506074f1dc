using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MeshRpc.Wire;

namespace MeshRpc.Hosting.Calls;

/// <summary>
/// The worker's end of a data-plane connection after its handshake. One read loop takes each frame as it arrives:
/// heartbeats and cancellations it handles itself, at once, whatever the worker object is doing; requests it queues.
/// One thread-pool item at a time starts the queued requests in order (each runs until its first wait, as
/// StreamJsonRpc did), and the replies of requests that finish at once go out together in one write. Same wire as the
/// caller's <c>CallChannel</c>: length-prefixed JSON-RPC 2.0 with <c>$/cancelRequest</c>, <c>traceparent</c> and <c>timeoutMs</c>.
/// </summary>
internal sealed class WorkerCalls : IThreadPoolWorkItem, IDisposable
{
    // Cancellation sources kept for reuse: enough for the calls one connection has running at once, in practice.
    private const int MaxSpareSources = 64;

    private readonly Dictionary<string, ServedMethod>.AlternateLookup<ReadOnlySpan<char>> _methods;
    private readonly JsonSerializerOptions _json;
    private readonly JsonTypeInfo<CallErrorData> _errorData;
    private readonly WorkerTelemetry _telemetry;
    private readonly Action _heartbeat;
    private readonly bool _includeDiagnostics;
    private readonly FrameWriter _writer;
    private readonly FrameReader _reader;
    private readonly Queue<QueuedRequest> _queued = new();
    private readonly Dictionary<RequestKey, CancellationTokenSource> _cancellable = [];

    // Cancellation sources of calls that ended uncancelled, for later calls (guarded by the lock on _cancellable).
    private readonly Stack<CancellationTokenSource> _spareSources = new();
    private bool _starting;
    private bool _closed;
    private int _running;

    public WorkerCalls(Stream stream, MeshDispatcher dispatcher, JsonSerializerOptions json, int maxFrameBytes, WorkerTelemetry telemetry, Action heartbeat, bool includeDiagnostics)
    {
        _methods = dispatcher.Methods.GetAlternateLookup<ReadOnlySpan<char>>();
        _json = json;
        _errorData = (JsonTypeInfo<CallErrorData>)MeshJson.TypeInfo(json, typeof(CallErrorData));
        _telemetry = telemetry;
        _heartbeat = heartbeat;
        _includeDiagnostics = includeDiagnostics;
        // A failed write ends the connection: closing the stream ends the read loop.
        _writer = new FrameWriter(stream, _ => stream.Dispose());
        _reader = new FrameReader(stream, maxFrameBytes);
    }

    /// <summary>Reads and serves until the caller goes, the stream closes, or the caller sends what is not JSON-RPC.</summary>
    public async Task RunAsync()
    {
        try
        {
            while (await _reader.FillAsync())
            {
                while (_reader.TryRead(out var frame))
                {
                    Take(frame);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or JsonException or InvalidOperationException)
        {
            // The caller went away or broke the protocol: either way this connection is over.
        }
        finally
        {
            // No one is left to read what the calls still running would answer, or to wait for those still queued.
            lock (_cancellable)
            {
                _closed = true;
                foreach (var running in _cancellable.Values)
                {
                    Cancel(running);
                }

                _cancellable.Clear();
            }
        }
    }

    public void Dispose() => _writer.Dispose();

    void IThreadPoolWorkItem.Execute()
    {
        // Replies of requests that finish at once are held back until the queue is empty, then sent in one write.
        _writer.Cork();
        try
        {
            while (true)
            {
                QueuedRequest request;
                lock (_queued)
                {
                    if (!_queued.TryDequeue(out request))
                    {
                        _starting = false;
                        break;
                    }
                }

                try
                {
                    Start(request);
                }
                finally
                {
                    if (request.Arguments is { } arguments)
                    {
                        ArrayPool<byte>.Shared.Return(arguments);
                    }
                }
            }
        }
        finally
        {
            Observe(_writer.UncorkAsync());
        }
    }

    /// <summary>Replies to <paramref name="request"/> with what its method returned, now if it has finished, else when it does.</summary>
    public void Serve<T>(in ServedRequest request, ValueTask<T> running, JsonTypeInfo<T>? resultType)
    {
        if (!running.IsCompleted)
        {
            Interlocked.Increment(ref _running);
            _ = ServeLaterAsync(request, running, resultType);
            return;
        }

        T result;
        try
        {
            result = running.Result;
        }
        catch (Exception ex)
        {
            Fail(request, ex);
            return;
        }

        Reply(request, result, resultType);
    }

    // On the read loop, which parses each frame whole (a malformed one ends the connection here): what must not wait
    // behind the worker object is handled at once; a request is queued as its parsed members and a copy of its
    // arguments' bytes. Its cancellation source is made here too, so a $/cancelRequest that overtakes its start still reaches it.
    private void Take(ReadOnlySpan<byte> frame)
    {
        var request = ParsedRequest.Parse(frame, _methods);
        if (request.Method is null)
        {
            // A reply, or something else no worker answers.
            return;
        }

        if (request.Served is null)
        {
            if (request.Method == Protocol.HeartbeatMethod)
            {
                _heartbeat();
                return;
            }

            if (request.Method == Protocol.CancelRequestMethod)
            {
                CancelRequest(request.CancelledId);
                return;
            }
        }

        var cancellation = request.Id is { } id && request.Served is { Cancellable: true } ? Track(id) : null;
        byte[]? arguments = null;
        if (request.ArgumentsLength > 0)
        {
            arguments = ArrayPool<byte>.Shared.Rent(request.ArgumentsLength);
            frame.Slice(request.ArgumentsStart, request.ArgumentsLength).CopyTo(arguments);
        }

        lock (_queued)
        {
            _queued.Enqueue(new QueuedRequest(request.Id, request.Method, request.Served, request.TraceParent, request.TraceState, request.TimeoutMs, arguments, request.ArgumentsLength, cancellation));
            if (_starting)
            {
                return;
            }

            _starting = true;
        }

        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    private void Start(in QueuedRequest queued)
    {
        if (Volatile.Read(ref _closed))
        {
            return;
        }

        var argumentsReader = queued.ArgumentsReader();
        if (queued.Served is not { } method)
        {
            Fail(queued.Id, Protocol.MethodNotFoundCode, $"This worker serves no method '{queued.Method}'.", data: null);
            return;
        }

        var count = queued.Arguments is null ? 0 : MeshArguments.Count(argumentsReader);
        if (count != method.ArgumentCount)
        {
            Release(queued.Id, queued.Cancellation);
            Fail(queued.Id, Protocol.InvalidParamsCode,
                $"'{queued.Method}' takes {method.ArgumentCount} positional argument(s); the request has {(count < 0 ? "no argument array" : count)}.", data: null);
            return;
        }

        var request = new ServedRequest(queued.Id, queued.Cancellation, _telemetry.Begin(queued.Method, queued.TraceParent, queued.TraceState, queued.TimeoutMs));
        try
        {
            var arguments = new MeshArguments(argumentsReader, _json);
            method.Start(this, request, ref arguments);
        }
        catch (Exception ex)
        {
            Fail(request, ex);
        }
    }

    private async Task ServeLaterAsync<T>(ServedRequest request, ValueTask<T> running, JsonTypeInfo<T>? resultType)
    {
        T result;
        try
        {
            result = await running;
        }
        catch (Exception ex)
        {
            Fail(request, ex);
            return;
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }

        Reply(request, result, resultType);
    }

    private void Reply<T>(in ServedRequest request, T result, JsonTypeInfo<T>? resultType)
    {
        Finish(request);
        if (request.Id is not { } replyTo)
        {
            return;
        }

        try
        {
            Observe(_writer.WriteAsync((replyTo, result, resultType), static (w, s) =>
            {
                w.WriteStartObject();
                w.WriteString("jsonrpc"u8, "2.0"u8);
                s.replyTo.Write(w);
                w.WritePropertyName("result"u8);
                if (s.resultType is null)
                {
                    w.WriteNullValue();
                }
                else
                {
                    JsonSerializer.Serialize(w, s.result, s.resultType);
                }

                w.WriteEndObject();
            }, gather: Volatile.Read(ref _running) > 0));
        }
        catch (Exception ex) when (ex is not IOException)
        {
            // The result could not be written (a type without JSON metadata): the caller learns why, not nothing.
            Fail(request.Id, ex, CancellationToken.None);
        }
        catch (IOException)
        {
            // The caller is gone.
        }
    }

    private void Fail(in ServedRequest request, Exception failure)
    {
        Finish(request);
        Fail(request.Id, failure, request.Token);
    }

    private void Fail(RequestKey? id, Exception failure, CancellationToken token)
    {
        var (code, data) = failure switch
        {
            InvalidArgumentsException => (Protocol.InvalidParamsCode, null),
            OperationCanceledException when token.IsCancellationRequested => (Protocol.RequestCanceledCode, null),
            _ => (Protocol.InvocationErrorCode, CallErrorData.Describe(failure, _includeDiagnostics)),
        };
        Fail(id, code, failure.Message, data);
    }

    private void Fail(RequestKey? id, int code, string message, CallErrorData? data)
    {
        if (id is not { } replyTo)
        {
            // A notification gets no reply, not even a failure.
            return;
        }

        try
        {
            Observe(_writer.WriteAsync((replyTo, code, message, data, errorData: _errorData), static (w, s) =>
            {
                w.WriteStartObject();
                w.WriteString("jsonrpc"u8, "2.0"u8);
                s.replyTo.Write(w);
                w.WriteStartObject("error"u8);
                w.WriteNumber("code"u8, s.code);
                w.WriteString("message"u8, s.message);
                if (s.data is not null)
                {
                    w.WritePropertyName("data"u8);
                    JsonSerializer.Serialize(w, s.data, s.errorData);
                }

                w.WriteEndObject();
                w.WriteEndObject();
            }, gather: Volatile.Read(ref _running) > 0));
        }
        catch (IOException)
        {
            // The caller is gone.
        }
    }

    private CancellationTokenSource Track(RequestKey id)
    {
        lock (_cancellable)
        {
            var source = _spareSources.Count > 0 ? _spareSources.Pop() : new CancellationTokenSource();
            if (_closed)
            {
                // The connection ended while this request was being started: it starts cancelled.
                source.Cancel();
            }
            else
            {
                _cancellable[id] = source;
            }

            return source;
        }
    }

    private void Finish(in ServedRequest request)
    {
        _telemetry.End(request.Call);
        Release(request.Id, request.Cancellation);
    }

    // A call's cancellation source is reused only while it is still this call's and no cancellation of it is under way
    // (one queued takes it out of the table first), so no later call's token can fire for this one's cancellation.
    private void Release(RequestKey? id, CancellationTokenSource? source)
    {
        if (id is not { } key || source is null)
        {
            return;
        }

        lock (_cancellable)
        {
            if (_cancellable.TryGetValue(key, out var current) && current == source)
            {
                _cancellable.Remove(key);
                if (source.TryReset() && _spareSources.Count < MaxSpareSources)
                {
                    _spareSources.Push(source);
                }
            }
        }
    }

    private void CancelRequest(RequestKey? cancelled)
    {
        if (cancelled is not { } id)
        {
            return;
        }

        lock (_cancellable)
        {
            if (_cancellable.Remove(id, out var running))
            {
                Cancel(running);
            }
        }
    }

    // Off the read loop: a token's callbacks are the worker's code, and must not hold up heartbeats.
    private static void Cancel(CancellationTokenSource running) =>
        ThreadPool.UnsafeQueueUserWorkItem(static source =>
        {
            try
            {
                source.Cancel();
            }
            catch (AggregateException)
            {
                // A callback the worker's code registered threw; its call ends however that code decides.
            }
        }, running, preferLocal: false);

    private static void Observe(ValueTask writing)
    {
        if (writing.IsCompletedSuccessfully)
        {
            return;
        }

        // A failed write ends the connection (the read loop sees it); the task only has to be observed.
        _ = writing.AsTask().ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    /// <summary>A request waiting to start: its members as the read loop parsed them, and its arguments' bytes (rented).</summary>
    private readonly record struct QueuedRequest(
        RequestKey? Id, string Method, ServedMethod? Served, string? TraceParent, string? TraceState, int? TimeoutMs, byte[]? Arguments, int ArgumentsLength, CancellationTokenSource? Cancellation)
    {
        /// <summary>A reader standing on the arguments' first token (an array's start, for positional arguments).</summary>
        public Utf8JsonReader ArgumentsReader()
        {
            if (Arguments is null)
            {
                return default;
            }

            var reader = new Utf8JsonReader(Arguments.AsSpan(0, ArgumentsLength));
            reader.Read();
            return reader;
        }
    }
}

/// <summary>A request being served: its id (null for a notification), its cancellation source (null for a method without a token), and its telemetry.</summary>
internal readonly record struct ServedRequest(RequestKey? Id, CancellationTokenSource? Cancellation, ServedCall Call)
{
    /// <summary>The token the method is called with.</summary>
    public CancellationToken Token => Cancellation?.Token ?? CancellationToken.None;
}
