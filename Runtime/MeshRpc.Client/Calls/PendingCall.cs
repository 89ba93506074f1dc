using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Tasks.Sources;
using MeshRpc.Client.Telemetry;

namespace MeshRpc.Client.Calls;

/// <summary>A request sent and not yet answered, as the connection's read loop sees it.</summary>
internal interface IPendingCall
{
    /// <summary>The request's id on its connection.</summary>
    long Id { get; }

    /// <summary>Completes the call with its result's JSON (copied: the frame is the read loop's).</summary>
    void Succeed(ReadOnlySpan<byte> result);

    /// <summary>Fails the call (a lost connection, an error reply, a cancellation).</summary>
    void Fail(Exception failure);
}

/// <summary>
/// One call from its start to its result, as its caller awaits it: the request's id, the reply's result bytes, the
/// call's span, its timeout and cancellation, and the failure callers catch. Its channel reuses it for later calls
/// with the same result type, and the caller awaits it directly (no task, no state machine), so a call in the steady
/// state allocates nothing. Awaited once, as every <see cref="ValueTask"/> is.
/// </summary>
internal sealed class PendingCall<T>(CallChannel channel) : IPendingCall, IValueTaskSource<T>, IValueTaskSource
{
    // A result larger than this does not keep its buffer for the next call.
    private const int KeptResultBytes = 16 * 1024;

    // Continuations run on the thread pool, never on the connection's read loop, which must go on reading other replies.
    private ManualResetValueTaskSourceCore<bool> _reply = new() { RunContinuationsAsynchronously = true };
    private byte[] _result = new byte[256];
    private int _resultLength;
    private JsonTypeInfo<T>? _resultType;
    private WorkerConnection? _connection;
    private string _method = string.Empty;
    private bool _byName;
    private CallTelemetry _telemetry;
    private TimeSpan? _timeout;
    private CancellationTokenSource? _timer;
    private CancellationToken _callerToken;
    private CancellationTokenRegistration _callerCancels;
    private CancellationTokenRegistration _timerCancels;

    public long Id { get; private set; }

    /// <summary>
    /// Starts the call: its span, its request, its timeout and cancellation. Null when the request went out; else why
    /// not, as the caller will see it (the call is then over and back with its channel).
    /// </summary>
    public Exception? Start<TArguments>(
        WorkerConnection connection, string method, TArguments arguments, MeshArgumentsBody<TArguments> body, JsonTypeInfo<T>? resultType,
        TimeSpan? timeout, bool byName, CancellationToken cancellationToken)
    {
        _reply.Reset();
        _connection = connection;
        _method = method;
        _byName = byName;
        _resultType = resultType;
        _timeout = timeout;
        _callerToken = cancellationToken;
        _resultLength = 0;
        _telemetry = default;
        if (cancellationToken.IsCancellationRequested)
        {
            return End(new OperationCanceledException(cancellationToken));
        }

        var outer = Activity.Current;
        _telemetry = ClientTelemetry.StartCall(connection, method);
        try
        {
            Id = channel.Send(this, method, arguments, body, timeout is { } ms ? (int)Math.Clamp(ms.TotalMilliseconds, 1, int.MaxValue) : null);
        }
        catch (Exception ex)
        {
            return End(ex);
        }
        finally
        {
            // The call's span is current only while its request is written (it names it as the worker's parent).
            if (_telemetry.Activity is not null)
            {
                Activity.Current = outer;
            }
        }

        if (timeout is { } due)
        {
            _timer ??= new CancellationTokenSource();
            _timer.CancelAfter(due);
            _timerCancels = _timer.Token.UnsafeRegister(static (state, token) => ((PendingCall<T>)state!).Cancelled(token), this);
        }

        if (cancellationToken.CanBeCanceled)
        {
            _callerCancels = cancellationToken.UnsafeRegister(static (state, token) => ((PendingCall<T>)state!).Cancelled(token), this);
        }

        return null;
    }

    /// <summary>The result, once the call is answered.</summary>
    public ValueTask<T> Result => new(this, _reply.Version);

    /// <summary>The call's end, once it is answered, for a method without a result.</summary>
    public ValueTask Completion => new(this, _reply.Version);

    public void Succeed(ReadOnlySpan<byte> result)
    {
        if (result.Length > _result.Length)
        {
            _result = new byte[Math.Max(result.Length, _result.Length * 2)];
        }

        result.CopyTo(_result);
        _resultLength = result.Length;
        _reply.SetResult(true);
    }

    public void Fail(Exception failure) => _reply.SetException(failure);

    T IValueTaskSource<T>.GetResult(short token)
    {
        Exception? failure = null;
        var result = default(T)!;
        try
        {
            _reply.GetResult(token);

            // A result of another shape fails this call only; the connection and its other calls go on.
            if (_resultType is not null)
            {
                result = JsonSerializer.Deserialize(_result.AsSpan(0, _resultLength), _resultType)!;
            }
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        if (End(failure) is { } thrown)
        {
            if (thrown == failure)
            {
                ExceptionDispatchInfo.Throw(thrown);
            }

            throw thrown;
        }

        return result;
    }

    void IValueTaskSource.GetResult(short token) => ((IValueTaskSource<T>)this).GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<T>.GetStatus(short token) => Status(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => Status(token);

    void IValueTaskSource<T>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _reply.OnCompleted(continuation, state, token, flags);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _reply.OnCompleted(continuation, state, token, flags);

    private void Cancelled(CancellationToken token) => channel.Cancel(this, token);

    // Whether the call's own timeout ended it, not its caller.
    private bool TimedOut => _timer is { IsCancellationRequested: true } && !_callerToken.IsCancellationRequested;

    // A call its timeout cancelled fails with CallTimeoutException, not as cancelled: a task made of it (AsTask) must fault.
    private ValueTaskSourceStatus Status(short token) => _reply.GetStatus(token) is ValueTaskSourceStatus.Canceled && TimedOut
        ? ValueTaskSourceStatus.Faulted
        : _reply.GetStatus(token);

    // Ends the call: what it failed with as callers catch it, its span and duration, its timer and registrations
    // (waiting for a cancellation under way), then the call goes back to its channel.
    private Exception? End(Exception? failure)
    {
        _callerCancels.Dispose();
        _timerCancels.Dispose();
        var translated = failure switch
        {
            null => null,
            OperationCanceledException or WorkerErrorReplyException { Code: Wire.Protocol.RequestCanceledCode } when TimedOut =>
                new CallTimeoutException(_connection!.Ticket.WorkerId, _method, _timeout!.Value, failure),
            _ => CallFailures.Translate(_connection!, _method, failure, _byName) ?? failure,
        };
        ClientTelemetry.EndCall(_telemetry, _connection!, _method, failure);
        if (_timer is not null && !_timer.TryReset())
        {
            _timer.Dispose();
            _timer = null;
        }

        _connection = null;
        _callerToken = default;
        _callerCancels = default;
        _timerCancels = default;
        if (_result.Length <= KeptResultBytes)
        {
            channel.Return(this);
        }

        return translated;
    }
}
