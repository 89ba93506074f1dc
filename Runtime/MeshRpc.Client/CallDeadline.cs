using System.Diagnostics;

namespace MeshRpc;

/// <summary>
/// One call's timeout, chosen in order: the caller's <see cref="MeshCall.Timeout"/> scope, the method's (or contract's)
/// <c>[MeshTimeout]</c>, the connection's <see cref="WorkerConnectOptions.CallTimeout"/>. When it passes, the call's token
/// is cancelled (the worker is told, and its token fires) and the call fails with <see cref="CallTimeoutException"/>.
/// No timeout: no allocation, the caller's token as it is.
/// </summary>
internal readonly struct CallDeadline : IDisposable
{
    // When the call in this async flow is due (a Stopwatch timestamp; 0: none), for its request to say how long is left.
    private static readonly AsyncLocal<long> Due = new();

    private readonly CancellationTokenSource? _timer;
    private readonly long _outerDue;

    private CallDeadline(CancellationTokenSource? timer, TimeSpan? timeout, long outerDue, CancellationToken token)
    {
        _timer = timer;
        Timeout = timeout;
        Token = token;
        _outerDue = outerDue;
    }

    /// <summary>The milliseconds left of the current call's timeout, for its request; null without one.</summary>
    public static int? RemainingMs => Due.Value is > 0 and var due
        ? (int)Math.Clamp(Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due).TotalMilliseconds, 1, int.MaxValue)
        : null;

    /// <summary>The timeout in force, if any.</summary>
    public TimeSpan? Timeout { get; }

    /// <summary>The token to call with: the caller's, cancelled too when the timeout passes.</summary>
    public CancellationToken Token { get; }

    public static CallDeadline Start(WorkerConnection connection, int methodTimeoutMs, CancellationToken cancellationToken)
    {
        var timeout = MeshCall.ScopedTimeout ?? (methodTimeoutMs > 0 ? TimeSpan.FromMilliseconds(methodTimeoutMs) : connection.CallTimeout);
        if (timeout is not { } due)
        {
            return new CallDeadline(null, null, Due.Value, cancellationToken);
        }

        var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(due);
        var outer = Due.Value;
        Due.Value = Stopwatch.GetTimestamp() + (long)(due.TotalSeconds * Stopwatch.Frequency);
        return new CallDeadline(timer, due, outer, timer.Token);
    }

    /// <summary>Whether <paramref name="ex"/> is this deadline passing, not the caller cancelling.</summary>
    public bool Expired(Exception ex, CancellationToken callerToken) =>
        ex is OperationCanceledException or WorkerErrorReplyException { Code: Wire.Protocol.RequestCanceledCode }
        && _timer is { IsCancellationRequested: true } && !callerToken.IsCancellationRequested;

    public void Dispose()
    {
        if (_timer is not null)
        {
            Due.Value = _outerDue;
            _timer.Dispose();
        }
    }
}
