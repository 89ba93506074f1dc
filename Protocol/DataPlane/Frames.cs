using System.Buffers.Binary;

namespace MeshRpc.Wire;

/// <summary>
/// Reads and writes the data plane's frames: a 4-byte big-endian length, then that many bytes of UTF-8 JSON.
/// The same framing as StreamJsonRpc's <c>LengthHeaderMessageHandler</c>, so the handshake and the calls share one stream.
/// </summary>
public static class Frames
{
    /// <summary>Writes one frame.</summary>
    public static async ValueTask WriteAsync(Stream stream, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, body.Length);
        await stream.WriteAsync(header, cancellationToken);
        await stream.WriteAsync(body, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// Reads one frame, refusing a declared length above <paramref name="maxBytes"/> before reading its body.
    /// Reads exactly one frame and nothing more, so a JSON-RPC handler can take over the stream afterwards.
    /// </summary>
    public static async ValueTask<byte[]> ReadAsync(Stream stream, int maxBytes, CancellationToken cancellationToken)
    {
        var header = new byte[4];
        await ReadExactlyAsync(stream, header, "frame header", cancellationToken);
        var length = BinaryPrimitives.ReadInt32BigEndian(header);
        if (length < 0 || length > maxBytes)
        {
            throw new FrameTooLargeException(length, maxBytes);
        }

        var body = new byte[length];
        await ReadExactlyAsync(stream, body, "frame body", cancellationToken);
        return body;
    }

    private static async ValueTask ReadExactlyAsync(Stream stream, byte[] buffer, string part, CancellationToken cancellationToken)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken);
        }
        catch (EndOfStreamException ex)
        {
            throw new EndOfStreamException($"The peer closed the connection in the middle of a {part}.", ex);
        }
    }
}

/// <summary>A peer declared a frame larger than this side accepts.</summary>
public sealed class FrameTooLargeException : IOException
{
    /// <summary>Creates the exception.</summary>
    public FrameTooLargeException(int declaredLength, int maxBytes)
        : base($"A frame declared {declaredLength} bytes; this endpoint accepts at most {maxBytes} bytes per frame. " +
               "Check that the peer speaks MeshRpc's length-prefixed JSON-RPC framing.")
    {
        DeclaredLength = declaredLength;
        MaxBytes = maxBytes;
    }

    /// <summary>The length the peer declared.</summary>
    public int DeclaredLength { get; }

    /// <summary>The most this side accepts.</summary>
    public int MaxBytes { get; }
}
