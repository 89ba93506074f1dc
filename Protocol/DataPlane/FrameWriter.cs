using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace MeshRpc.Wire;

/// <summary>Writes one frame's JSON body.</summary>
public delegate void FrameBody<TState>(Utf8JsonWriter writer, TState state);

/// <summary>
/// Writes length-prefixed JSON frames onto one stream, gathering frames written close together into one write: one TLS
/// record and one system call for many messages. A frame written while the stream is idle goes out at once on its
/// writer's thread (a lone call waits for no other thread); frames written while a write is under way, while the writer
/// is corked, or with <c>gather</c> set, go out together in the next write.
/// </summary>
public sealed class FrameWriter : IDisposable, IThreadPoolWorkItem
{
    private readonly Stream _stream;
    private readonly Action<Exception> _failed;
    private readonly object _gate = new();
    private readonly Utf8JsonWriter _json = new(Stream.Null);
    private FrameBuffer _queued = new();
    private FrameBuffer _spare = new();
    private Exception? _failure;
    private bool _writing;
    private int _corked;

    /// <summary>Writes to <paramref name="stream"/>; <paramref name="failed"/> hears of a failed write once (the connection is then unusable).</summary>
    public FrameWriter(Stream stream, Action<Exception> failed)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(failed);
        _stream = stream;
        _failed = failed;
    }

    /// <summary>
    /// Queues one frame whose body <paramref name="body"/> writes, and sends it unless another write will.
    /// <paramref name="gather"/>: other messages are on their way, so send from the thread pool, with whatever joins meanwhile.
    /// Throws what <paramref name="body"/> throws (nothing of that frame is sent) and <see cref="IOException"/> once a write failed.
    /// </summary>
    public ValueTask WriteAsync<TState>(TState state, FrameBody<TState> body, bool gather = false)
    {
        ArgumentNullException.ThrowIfNull(body);
        lock (_gate)
        {
            if (_failure is not null)
            {
                throw new IOException($"The connection can no longer be written to: {_failure.Message}", _failure);
            }

            var start = _queued.Count;
            _queued.Advance(4);
            try
            {
                _json.Reset(_queued);
                body(_json, state);
                _json.Flush();
            }
            catch
            {
                // A body that fails half-way leaves nothing of its frame behind.
                _queued.Count = start;
                throw;
            }

            BinaryPrimitives.WriteInt32BigEndian(_queued.At(start), _queued.Count - start - 4);
            if (_writing || _corked > 0)
            {
                return default;
            }

            _writing = true;
        }

        if (gather)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            return default;
        }

        return DrainAsync();
    }

    /// <summary>Holds frames back until <see cref="UncorkAsync"/>: a reader answering one read's requests sends all the answers in one write.</summary>
    public void Cork()
    {
        lock (_gate)
        {
            _corked++;
        }
    }

    /// <summary>Ends a <see cref="Cork"/>, sending what it held back.</summary>
    public ValueTask UncorkAsync()
    {
        lock (_gate)
        {
            if (--_corked > 0 || _writing || _queued.Count == 0 || _failure is not null)
            {
                return default;
            }

            _writing = true;
        }

        return DrainAsync();
    }

    /// <summary>Ends writing: a frame written from now on (say, a late reply to a caller gone) throws <see cref="IOException"/>.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _failure ??= new ObjectDisposedException(nameof(FrameWriter));
            _json.Dispose();
        }
    }

    void IThreadPoolWorkItem.Execute()
    {
        var draining = DrainAsync();
        if (!draining.IsCompleted)
        {
            // A failure is reported through the callback; the task only has to be observed.
            _ = draining.AsTask().ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
        else if (draining.IsFaulted)
        {
            _ = draining.AsTask().Exception;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask DrainAsync()
    {
        while (true)
        {
            FrameBuffer sending;
            lock (_gate)
            {
                if (_queued.Count == 0)
                {
                    _writing = false;
                    return;
                }

                sending = _queued;
                _queued = _spare;
            }

            try
            {
                await _stream.WriteAsync(sending.Written);
            }
            catch (Exception ex)
            {
                lock (_gate)
                {
                    _failure = ex;
                    _queued.Count = 0;
                    _writing = false;
                }

                _failed(ex);
                throw;
            }

            sending.Count = 0;
            lock (_gate)
            {
                _spare = sending;
            }
        }
    }

    /// <summary>A growable byte buffer that lets the writer fill in a frame's length after its body.</summary>
    private sealed class FrameBuffer : IBufferWriter<byte>
    {
        private byte[] _bytes = new byte[4096];

        public int Count { get; set; }

        public ReadOnlyMemory<byte> Written => _bytes.AsMemory(0, Count);

        public Span<byte> At(int offset) => _bytes.AsSpan(offset);

        public void Advance(int count)
        {
            Ensure(count);
            Count += count;
        }

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            Ensure(Math.Max(sizeHint, 256));
            return _bytes.AsMemory(Count);
        }

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        private void Ensure(int more)
        {
            if (Count + more > _bytes.Length)
            {
                Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Count + more));
            }
        }
    }
}
