using System.Buffers.Binary;
using MeshRpc.Wire;

namespace MeshRpc.Runtime.Tests.Wire;

public sealed class FramesTests
{
    [Fact]
    public async Task RoundTrips_AFrame()
    {
        using var stream = new MemoryStream();
        await Frames.WriteAsync(stream, "{\"a\":1}"u8.ToArray(), TestContext.Current.CancellationToken);
        stream.Position = 0;

        var body = await Frames.ReadAsync(stream, 1024, TestContext.Current.CancellationToken);

        Assert.Equal("{\"a\":1}"u8.ToArray(), body);
        Assert.Equal(stream.Length, stream.Position);
    }

    [Fact]
    public async Task Rejects_OversizedFrame_BeforeReadingItsBody()
    {
        // A 2 GB declaration followed by nothing: reading the body would hang, so refusal must come from the header alone.
        var header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, int.MaxValue);
        using var stream = new MemoryStream(header);

        var error = await Assert.ThrowsAsync<FrameTooLargeException>(() => Frames.ReadAsync(stream, 16 * 1024, TestContext.Current.CancellationToken).AsTask());

        Assert.Equal(int.MaxValue, error.DeclaredLength);
        Assert.Contains("at most 16384 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_TruncatedFrame()
    {
        var frame = new byte[4 + 3];
        BinaryPrimitives.WriteInt32BigEndian(frame, 10);
        using var stream = new MemoryStream(frame);

        var error = await Assert.ThrowsAsync<EndOfStreamException>(() => Frames.ReadAsync(stream, 1024, TestContext.Current.CancellationToken).AsTask());

        Assert.Contains("frame body", error.Message, StringComparison.Ordinal);
    }
}
