using System.Buffers.Binary;
using System.Text;
using MeshRpc.Wire;

namespace MeshRpc.Runtime.Tests.Wire;

public sealed class FrameReaderTests
{
    [Fact]
    public async Task FramesArrivingAByteAtATime_AreEachHandedOutWhole()
    {
        var bodies = new[] { "{\"a\":1}", new string('x', 40_000), "{}" };
        var reader = new FrameReader(new TrickleStream(Framed(bodies), bytesPerRead: 1), maxFrameBytes: 1 << 20);

        var read = await ReadAllAsync(reader);

        Assert.Equal(bodies, read);
    }

    [Fact]
    public async Task ManyFramesInOneRead_AreAllHandedOut_InOrder()
    {
        var bodies = Enumerable.Range(0, 500).Select(i => $"{{\"id\":{i}}}").ToArray();
        var reader = new FrameReader(new MemoryStream(Framed(bodies)), maxFrameBytes: 1 << 20);

        Assert.Equal(bodies, await ReadAllAsync(reader));
    }

    [Fact]
    public async Task Rejects_AFrameDeclaringMoreThanTheLimit_BeforeItsBodyArrives()
    {
        var header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, 4097);
        var reader = new FrameReader(new MemoryStream(header), maxFrameBytes: 4096);

        Assert.True(await reader.FillAsync(TestContext.Current.CancellationToken));
        var thrown = Assert.Throws<FrameTooLargeException>(() => reader.TryRead(out _));
        Assert.Contains("4097", thrown.Message, StringComparison.Ordinal);
    }

    private static async Task<List<string>> ReadAllAsync(FrameReader reader)
    {
        var read = new List<string>();
        while (await reader.FillAsync(TestContext.Current.CancellationToken))
        {
            while (reader.TryRead(out var frame))
            {
                read.Add(Encoding.UTF8.GetString(frame));
            }
        }

        return read;
    }

    private static byte[] Framed(IEnumerable<string> bodies)
    {
        var bytes = new MemoryStream();
        foreach (var body in bodies)
        {
            var utf8 = Encoding.UTF8.GetBytes(body);
            var header = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(header, utf8.Length);
            bytes.Write(header);
            bytes.Write(utf8);
        }

        return bytes.ToArray();
    }

    /// <summary>A stream that hands out at most a few bytes per read, as a slow network does.</summary>
    private sealed class TrickleStream(byte[] bytes, int bytesPerRead) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, bytesPerRead)], cancellationToken);
    }
}
