using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace MeshRpc.Wire;

/// <summary>
/// Watches the length-prefixed frames flowing in through a stream and fails the read as soon as a header declares more
/// than the limit, before any of that body is buffered; and fails it when nothing arrives for the idle timeout.
/// Without it, a declared 2 GB frame would hold a connection forever.
/// </summary>
public sealed class FrameGuardStream : Stream
{
    private readonly Stream _inner;
    private readonly int _maxFrameBytes;
    private readonly TimeSpan _idleTimeout;
    private readonly ITimer? _idleCheck;
    private readonly byte[] _header = new byte[4];
    private int _headerFilled;
    private long _bodyRemaining;
    private long _lastActivity = Stopwatch.GetTimestamp();
    private int _closedAsIdle;

    /// <summary>Guards reads from <paramref name="inner"/>; writes pass through. <see cref="Timeout.InfiniteTimeSpan"/> turns the idle timeout off.</summary>
    public FrameGuardStream(Stream inner, int maxFrameBytes, TimeSpan idleTimeout)
    {
        _inner = inner;
        _maxFrameBytes = maxFrameBytes;
        _idleTimeout = idleTimeout;
        if (idleTimeout != Timeout.InfiniteTimeSpan)
        {
            // One timer per connection, not a cancellation source and timer per read: a connection idle for the timeout
            // (checked four times per timeout) is closed under its pending read, which then fails as idle.
            var period = idleTimeout / 4;
            _idleCheck = TimeProvider.System.CreateTimer(static state => ((FrameGuardStream)state!).CloseIfIdle(), this, period, period);
        }
    }

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => true;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc />
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // A read that completes at once (most, under load) costs no state machine.
        Volatile.Write(ref _lastActivity, Stopwatch.GetTimestamp());
        ValueTask<int> reading;
        try
        {
            reading = _inner.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception ex) when (IsIdleClose(ex))
        {
            throw IdleClosed(ex);
        }

        if (reading.IsCompletedSuccessfully)
        {
            var read = reading.Result;
            Inspect(read, buffer.Span);
            return new(read);
        }

        return InspectAsync(reading, buffer);
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _inner.WriteAsync(buffer, cancellationToken);

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);

    /// <inheritdoc />
    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    /// <inheritdoc />
    public override void Flush() => _inner.Flush();

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _idleCheck?.Dispose();
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    // Pooled: a read that waits (every read of an idle connection) reuses a state machine instead of allocating one.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> InspectAsync(ValueTask<int> reading, Memory<byte> buffer)
    {
        int read;
        try
        {
            read = await reading;
        }
        catch (Exception ex) when (IsIdleClose(ex))
        {
            throw IdleClosed(ex);
        }

        Volatile.Write(ref _lastActivity, Stopwatch.GetTimestamp());
        Inspect(read, buffer.Span);
        return read;
    }

    // A socket closed under a pending read may end it with no bytes rather than an error: either way, it was idle.
    private void Inspect(int read, ReadOnlySpan<byte> buffer)
    {
        if (read == 0 && Volatile.Read(ref _closedAsIdle) == 1)
        {
            throw IdleClosed(null);
        }

        Inspect(buffer[..read]);
    }

    private void CloseIfIdle()
    {
        if (Stopwatch.GetElapsedTime(Volatile.Read(ref _lastActivity)) >= _idleTimeout && Interlocked.Exchange(ref _closedAsIdle, 1) == 0)
        {
            _idleCheck?.Dispose();
            _inner.Dispose();
        }
    }

    private bool IsIdleClose(Exception ex) => Volatile.Read(ref _closedAsIdle) == 1 && ex is IOException or ObjectDisposedException or OperationCanceledException;

    private IOException IdleClosed(Exception? ex) =>
        new($"No data arrived for {_idleTimeout.TotalSeconds:0.#} s; the connection is closed as idle.", ex);

    private void Inspect(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (_bodyRemaining > 0)
            {
                var skip = (int)Math.Min(_bodyRemaining, data.Length);
                _bodyRemaining -= skip;
                data = data[skip..];
                continue;
            }

            var take = Math.Min(4 - _headerFilled, data.Length);
            data[..take].CopyTo(_header.AsSpan(_headerFilled));
            _headerFilled += take;
            data = data[take..];
            if (_headerFilled == 4)
            {
                var length = BinaryPrimitives.ReadInt32BigEndian(_header);
                if (length < 0 || length > _maxFrameBytes)
                {
                    throw new FrameTooLargeException(length, _maxFrameBytes);
                }

                _bodyRemaining = length;
                _headerFilled = 0;
            }
        }
    }
}
