using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace MeshRpc.Wire;

/// <summary>
/// Reads length-prefixed frames from a stream into one reused buffer: each read takes whatever has arrived, and every
/// whole frame in it is handed out in place, without a copy. A frame's bytes are valid until the next <see cref="FillAsync"/>.
/// </summary>
public sealed class FrameReader
{
    private readonly Stream _stream;
    private readonly int _maxFrameBytes;
    private byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    /// <summary>Reads from <paramref name="stream"/>, refusing a frame that declares more than <paramref name="maxFrameBytes"/>.</summary>
    public FrameReader(Stream stream, int maxFrameBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxFrameBytes);
        _stream = stream;
        _maxFrameBytes = maxFrameBytes;
    }

    /// <summary>Reads whatever has arrived; false when the stream has ended.</summary>
    // Pooled: a read that waits (every read of an idle connection) reuses a state machine instead of allocating one.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> FillAsync(CancellationToken cancellationToken = default)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }

        if (_end == _buffer.Length)
        {
            // Only a frame larger than the buffer gets here (TryRead moves a partial frame to the front first).
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        _end += read;
        return read > 0;
    }

    /// <summary>The next whole frame's body, if one has arrived.</summary>
    public bool TryRead(out ReadOnlySpan<byte> frame)
    {
        frame = default;
        var available = _end - _start;
        if (available < 4)
        {
            Compact();
            return false;
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(_buffer.AsSpan(_start));
        if (length < 0 || length > _maxFrameBytes)
        {
            throw new FrameTooLargeException(length, _maxFrameBytes);
        }

        if (available - 4 < length)
        {
            Compact();
            if (4 + length > _buffer.Length)
            {
                Array.Resize(ref _buffer, 4 + length);
            }

            return false;
        }

        frame = _buffer.AsSpan(_start + 4, length);
        _start += 4 + length;
        return true;
    }

    // Moves a partial frame to the front, so the next read has the room after it.
    private void Compact()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
    }
}
