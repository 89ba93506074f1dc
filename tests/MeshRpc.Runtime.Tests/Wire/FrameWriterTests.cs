using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using MeshRpc.Wire;

namespace MeshRpc.Runtime.Tests.Wire;

public sealed class FrameWriterTests
{
    [Fact]
    public async Task AFrame_IsItsLength_ThenItsJson()
    {
        var stream = new CountingStream();
        using var writer = new FrameWriter(stream, static _ => { });

        await writer.WriteAsync(7, static (w, n) => w.WriteNumberValue(n));

        Assert.Equal(["7"], Bodies(stream.ToArray()));
        Assert.Equal(1, stream.Writes);
    }

    [Fact]
    public async Task FramesWrittenWhileCorked_GoOutTogether_InOneWrite()
    {
        var stream = new CountingStream();
        using var writer = new FrameWriter(stream, static _ => { });

        writer.Cork();
        for (var i = 0; i < 50; i++)
        {
            await writer.WriteAsync(i, static (w, n) => w.WriteNumberValue(n));
        }

        Assert.Equal(0, stream.Writes);
        await writer.UncorkAsync();

        Assert.Equal(1, stream.Writes);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Bodies(stream.ToArray()));
    }

    [Fact]
    public async Task ABodyThatThrowsHalfWay_LeavesNothingOfItsFrame_AndTheNextFrameIsWhole()
    {
        var stream = new CountingStream();
        using var writer = new FrameWriter(stream, static _ => { });

        writer.Cork();
        await Assert.ThrowsAsync<NotSupportedException>(async () => await writer.WriteAsync(0, static (w, _) =>
        {
            w.WriteStartObject();
            w.WriteString("half", "written");
            throw new NotSupportedException("no metadata");
        }));
        await writer.WriteAsync("whole", static (w, s) => w.WriteStringValue(s));
        await writer.UncorkAsync();

        Assert.Equal(["\"whole\""], Bodies(stream.ToArray()));
    }

    [Fact]
    public async Task AFailedWrite_IsReportedOnce_AndEveryLaterWriteThrows()
    {
        var failures = new List<Exception>();
        using var writer = new FrameWriter(new BrokenStream(), failures.Add);

        await Assert.ThrowsAsync<IOException>(async () => await writer.WriteAsync(1, static (w, n) => w.WriteNumberValue(n)));
        var later = await Assert.ThrowsAsync<IOException>(async () => await writer.WriteAsync(2, static (w, n) => w.WriteNumberValue(n)));

        Assert.Single(failures);
        Assert.Contains("broken pipe", later.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFrameWrittenAfterDisposal_ThrowsIOException_AsAWriteToAClosedConnection()
    {
        var writer = new FrameWriter(new CountingStream(), static _ => { });
        writer.Dispose();

        await Assert.ThrowsAsync<IOException>(async () => await writer.WriteAsync(1, static (w, n) => w.WriteNumberValue(n)));
    }

    [Fact]
    public async Task GatheredFrames_AreSentFromThePool_InTheOrderTheyWereWritten()
    {
        var stream = new CountingStream();
        using var writer = new FrameWriter(stream, static _ => { });

        for (var i = 0; i < 20; i++)
        {
            await writer.WriteAsync(i, static (w, n) => w.WriteNumberValue(n), gather: true);
        }

        // Each body is one digit or two: 20 frames are 20 × 4 header bytes and 30 body bytes.
        await stream.Holding(20 * 4 + 30).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(Enumerable.Range(0, 20).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Bodies(stream.ToArray()));
        Assert.InRange(stream.Writes, 1, 20);
    }

    private static List<string> Bodies(byte[] bytes)
    {
        var bodies = new List<string>();
        for (var at = 0; at + 4 <= bytes.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at));
            bodies.Add(Encoding.UTF8.GetString(bytes, at + 4, length));
            at += 4 + length;
        }

        return bodies;
    }

    private sealed class CountingStream : MemoryStream
    {
        private readonly List<(long Length, TaskCompletionSource Reached)> _waiting = [];
        private int _writes;

        public int Writes => Volatile.Read(ref _writes);

        /// <summary>Completes once the stream holds <paramref name="length"/> bytes.</summary>
        public Task Holding(long length)
        {
            lock (this)
            {
                var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiting.Add((length, reached));
                Check();
                return reached.Task;
            }
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            lock (this)
            {
                Interlocked.Increment(ref _writes);
                Write(buffer.Span);
                Check();
                return default;
            }
        }

        private void Check()
        {
            foreach (var (length, reached) in _waiting.Where(w => Length >= w.Length))
            {
                reached.TrySetResult();
            }
        }

        public override byte[] ToArray()
        {
            lock (this)
            {
                return base.ToArray();
            }
        }
    }

    private sealed class BrokenStream : MemoryStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException(new IOException("broken pipe"));
    }
}
