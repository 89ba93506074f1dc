using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MeshRpc.Wire;

namespace MeshRpc.Client.Calls;

/// <summary>
/// The caller's end of a data-plane connection after its handshake: JSON-RPC requests out through a <see cref="FrameWriter"/>,
/// replies matched to their calls by id in one read loop that parses each in place. A lone call is written on its
/// caller's thread; calls made while others are in flight are gathered into one write. The wire is StreamJsonRpc's
/// (length-prefixed JSON-RPC 2.0, <c>$/cancelRequest</c>, W3C <c>traceparent</c>) plus MeshRpc's <c>timeoutMs</c>.
/// </summary>
internal sealed class CallChannel : IAsyncDisposable
{
    // Calls kept for reuse, per result type: enough for the calls one connection has in flight at once, in practice.
    private const int MaxIdleCalls = 256;

    private readonly Stream _stream;
    private readonly JsonSerializerOptions _json;
    private readonly JsonTypeInfo<CallErrorData> _errorData;
    private readonly FrameWriter _writer;
    private readonly FrameReader _reader;
    private readonly Dictionary<long, IPendingCall> _pending = [];

    // Calls over, kept for the next ones by result type (a Stack<PendingCall<T>> each; guarded by the lock on _pending, as the calls in flight are).
    private readonly Dictionary<Type, object> _idle = [];
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextId;
    private Exception? _lost;
    private int _disposed;

    public CallChannel(Stream stream, JsonSerializerOptions json, int maxFrameBytes)
    {
        _stream = stream;
        _json = json;
        _errorData = (JsonTypeInfo<CallErrorData>)MeshJson.TypeInfo(json, typeof(CallErrorData));
        _writer = new FrameWriter(stream, CloseAfterFailedWrite);
        _reader = new FrameReader(stream, maxFrameBytes);
        _ = Task.Run(ReadLoopAsync);
    }

    /// <summary>Completes when the connection has closed, for whatever reason.</summary>
    public Task Completion => _closed.Task;

    /// <summary>A call whose result is read as <typeparamref name="T"/>: one this connection made before and is done with, or a new one.</summary>
    public PendingCall<T> Rent<T>()
    {
        lock (_pending)
        {
            if (_idle.TryGetValue(typeof(T), out var idle) && ((Stack<PendingCall<T>>)idle).TryPop(out var call))
            {
                return call;
            }
        }

        return new PendingCall<T>(this);
    }

    /// <summary>Takes back a call that is over, for a later one.</summary>
    public void Return<T>(PendingCall<T> call)
    {
        lock (_pending)
        {
            if (!_idle.TryGetValue(typeof(T), out var idle))
            {
                _idle[typeof(T)] = idle = new Stack<PendingCall<T>>();
            }

            var calls = (Stack<PendingCall<T>>)idle;
            if (calls.Count < MaxIdleCalls)
            {
                calls.Push(call);
            }
        }
    }

    /// <summary>The JSON metadata of <typeparamref name="T"/> for this connection's contract.</summary>
    public JsonTypeInfo<T> TypeInfo<T>() => (JsonTypeInfo<T>)MeshJson.TypeInfo(_json, typeof(T));

    /// <summary>Sends a notification: no id, no reply. Throws <see cref="ConnectionLostException"/> when the connection is gone.</summary>
    public async ValueTask NotifyAsync<TArguments>(string method, TArguments arguments, MeshArgumentsBody<TArguments> body)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        try
        {
            await _writer.WriteAsync((this, method, arguments, body), static (w, s) => s.Item1.WriteRequest(w, id: 0, s.method, s.arguments, s.body, timeoutMs: null));
        }
        catch (IOException ex)
        {
            throw Lost(ex);
        }
    }

    /// <summary>Closes the connection; calls still open fail as lost.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stream.DisposeAsync();
        await _closed.Task;
        _writer.Dispose();
    }

    /// <summary>
    /// Registers <paramref name="call"/> under a new id and writes its request: a lone call on this thread, one made while
    /// others are in flight gathered with theirs on the thread pool. Returns the id; throws when the request could not be
    /// sent (a lost connection, or arguments with no JSON metadata), and the call is then forgotten.
    /// </summary>
    public long Send<TArguments>(IPendingCall call, string method, TArguments arguments, MeshArgumentsBody<TArguments> body, int? timeoutMs)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        long id;
        bool othersInFlight;
        lock (_pending)
        {
            if (_lost is { } lost)
            {
                throw Lost(lost);
            }

            id = ++_nextId;
            othersInFlight = _pending.Count > 0;
            _pending.Add(id, call);
        }

        ValueTask writing;
        try
        {
            writing = _writer.WriteAsync((this, id, method, arguments, body, timeoutMs), static (w, s) => s.Item1.WriteRequest(w, s.id, s.method, s.arguments, s.body, s.timeoutMs), gather: othersInFlight);
        }
        catch (Exception ex)
        {
            throw Unsent(id, ex);
        }

        // The write may go on without us: a failure ends the connection, which fails this call as lost.
        Observe(writing);

        return id;
    }

    /// <summary>Ends <paramref name="call"/> as cancelled at once; the worker is told, so its token fires, and whatever it answers later is dropped.</summary>
    public void Cancel(IPendingCall call, CancellationToken token)
    {
        if (Remove(call.Id) is null)
        {
            return;
        }

        call.Fail(new OperationCanceledException("The call was cancelled by its caller.", token));
        try
        {
            var telling = _writer.WriteAsync(call.Id, static (w, id) =>
            {
                w.WriteStartObject();
                w.WriteString("jsonrpc"u8, "2.0"u8);
                w.WriteString("method"u8, Protocol.CancelRequestMethod);
                w.WriteStartObject("params"u8);
                w.WriteNumber("id"u8, id);
                w.WriteEndObject();
                w.WriteEndObject();
            }, gather: true);
            Debug.Assert(telling.IsCompleted, "A gathered write is sent from the thread pool.");
        }
        catch (IOException)
        {
            // The connection is gone, and the worker's call with it: there is no one left to tell.
        }
    }

    // A request that never left: its call is forgotten, and fails with why (a lost connection, or arguments with no JSON metadata).
    private Exception Unsent(long id, Exception failure)
    {
        Remove(id);
        return failure is IOException ? Lost(failure) : failure;
    }

    private IPendingCall? Remove(long id)
    {
        lock (_pending)
        {
            return _pending.Remove(id, out var call) ? call : null;
        }
    }

    private void WriteRequest<TArguments>(Utf8JsonWriter writer, long id, string method, TArguments arguments, MeshArgumentsBody<TArguments> body, int? timeoutMs)
    {
        writer.WriteStartObject();
        writer.WriteString("jsonrpc"u8, "2.0"u8);
        if (id != 0)
        {
            writer.WriteNumber("id"u8, id);
        }

        writer.WriteString("method"u8, method);
        writer.WriteStartArray("params"u8);
        body(new MeshArgumentsWriter(writer, _json), arguments);
        writer.WriteEndArray();
        if (id != 0 && timeoutMs is { } ms)
        {
            writer.WriteNumber("timeoutMs"u8, ms);
        }

        // The caller's trace context, so the worker's span joins the call's trace.
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity)
        {
            writer.WriteString("traceparent"u8, activity.Id);
            if (activity.TraceStateString is { Length: > 0 } traceState)
            {
                writer.WriteString("tracestate"u8, traceState);
            }
        }

        writer.WriteEndObject();
    }

    private async Task ReadLoopAsync()
    {
        Exception? failure = null;
        try
        {
            while (await _reader.FillAsync())
            {
                while (_reader.TryRead(out var frame))
                {
                    Complete(frame);
                }
            }
        }
        catch (Exception ex)
        {
            // Whatever ended the connection (the network, disposal, or a worker sending what is not JSON-RPC) is what
            // every call still open fails with, below.
            failure = ex;
        }

        List<IPendingCall> open;
        lock (_pending)
        {
            _lost = failure ?? new EndOfStreamException("The worker closed the connection.");
            open = [.. _pending.Values];
            _pending.Clear();
        }

        try
        {
            foreach (var call in open)
            {
                call.Fail(Lost(_lost));
            }
        }
        finally
        {
            // Whatever happens above, the connection is closed: disposal must not wait for ever.
            _closed.TrySetResult();
        }
    }

    // One reply: its id, then its result or error, in whatever order the members come.
    private void Complete(ReadOnlySpan<byte> frame)
    {
        var reader = new Utf8JsonReader(frame);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A JSON-RPC message must be a JSON object.");
        }

        long? id = null;
        var result = Range.All;
        Utf8JsonReader error = default;
        var answered = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                id = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var number) ? number : null;
            }
            else if (reader.ValueTextEquals("result"u8))
            {
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                result = start..(int)reader.BytesConsumed;
                answered = true;
                continue;
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                error = reader;
                answered = true;
            }
            else
            {
                reader.Read();
            }

            reader.Skip();
        }

        // A request or notification from the worker, or a reply to a call given up (cancelled): nothing waits for it.
        if (id is not { } replyTo || !answered || Remove(replyTo) is not { } call)
        {
            return;
        }

        if (error.TokenType == JsonTokenType.None)
        {
            call.Succeed(frame[result]);
        }
        else
        {
            call.Fail(ReadError(ref error));
        }
    }

    private WorkerErrorReplyException ReadError(ref Utf8JsonReader error)
    {
        var code = 0;
        string? message = null;
        CallErrorData? data = null;
        if (error.TokenType == JsonTokenType.StartObject)
        {
            while (error.Read() && error.TokenType == JsonTokenType.PropertyName)
            {
                if (error.ValueTextEquals("code"u8))
                {
                    error.Read();
                    code = error.TokenType == JsonTokenType.Number && error.TryGetInt32(out var number) ? number : 0;
                }
                else if (error.ValueTextEquals("message"u8))
                {
                    error.Read();
                    message = error.TokenType == JsonTokenType.String ? error.GetString() : null;
                }
                else if (error.ValueTextEquals("data"u8))
                {
                    error.Read();
                    data = ReadErrorData(error);
                }
                else
                {
                    error.Read();
                }

                error.Skip();
            }
        }

        return new WorkerErrorReplyException(code, message ?? $"The worker answered with error {code} and no message.", data);
    }

    private CallErrorData? ReadErrorData(Utf8JsonReader data)
    {
        if (data.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(ref data, _errorData);
        }
        catch (JsonException)
        {
            // Unreadable error data must not hide the error itself.
            return null;
        }
    }

    private void CloseAfterFailedWrite(Exception failure) => _stream.Dispose();

    /// <summary>Observes a write no one awaits, so its failure (reported elsewhere) is not an unobserved task exception.</summary>
    internal static void Observe(ValueTask writing)
    {
        if (!writing.IsCompletedSuccessfully)
        {
            _ = writing.AsTask().ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    private Exception Lost(Exception cause) => _disposed != 0
        ? new ObjectDisposedException(nameof(WorkerConnection), "The connection was disposed.")
        : new ConnectionLostException(cause);
}
