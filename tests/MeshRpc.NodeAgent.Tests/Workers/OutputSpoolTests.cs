using MeshRpc.NodeAgent.Workers;

namespace MeshRpc.NodeAgent.Tests.Workers;

/// <summary>The worker output spool on its own (unit level): lines, pieces of overlong lines, and the byte budget.</summary>
public sealed class OutputSpoolTests
{
    [Fact]
    public async Task Capture_KeepsEachLine_WithoutItsLineEnd_AndTheLastOneWithoutANewline()
    {
        var spool = new OutputSpool(1 << 20);

        await spool.CaptureAsync(new StringReader("first\r\nsecond\n\nlast"), OutputSpool.StandardOutput);

        Assert.Equal(["first", "second", "", "last"], spool.Lines().Select(l => l.Text));
        Assert.All(spool.Lines(), l => Assert.Equal(OutputSpool.StandardOutput, l.Stream));
    }

    [Fact]
    public async Task ALineWithoutEnd_IsKeptInPieces_NoneLongerThanTheLimit()
    {
        var spool = new OutputSpool(1 << 20);

        await spool.CaptureAsync(new StringReader(new string('x', (2 * OutputSpool.MaxLineChars) + 5)), OutputSpool.StandardError);

        Assert.Equal([OutputSpool.MaxLineChars, OutputSpool.MaxLineChars, 5], spool.Lines().Select(l => l.Text.Length));
    }

    [Fact]
    public void OverItsBudget_TheSpoolDropsTheOldestLines_AndCountsThem()
    {
        var spool = new OutputSpool(budgetBytes: 4 * (64 + 200));

        for (var i = 0; i < 10; i++)
        {
            spool.Append(OutputSpool.StandardOutput, $"{i}".PadRight(100, '.'));
        }

        Assert.Equal(["6", "7", "8", "9"], spool.Lines().Select(l => l.Text[..1]));
        Assert.Equal(6, spool.Dropped);
    }

    [Fact]
    public async Task AFollower_GetsTheKeptLines_ThenNewOnes_AndEndsOnceTheWorkerHasEndedAndItsOutputIsRead()
    {
        var spool = new OutputSpool(1 << 20);
        spool.Append(OutputSpool.StandardOutput, "kept");
        var output = new System.IO.Pipelines.Pipe();
        var capture = spool.CaptureAsync(new StreamReader(output.Reader.AsStream()), OutputSpool.StandardOutput);
        var seen = new List<string>();

        var following = Task.Run(
            async () =>
            {
                await foreach (var line in spool.FollowAsync(TestContext.Current.CancellationToken))
                {
                    seen.Add(line.Text);
                }
            },
            TestContext.Current.CancellationToken);
        await output.Writer.WriteAsync("new\n"u8.ToArray(), TestContext.Current.CancellationToken);
        spool.WorkerEnded();
        await Task.WhenAny(following, Task.Delay(200, TestContext.Current.CancellationToken));
        Assert.False(following.IsCompleted, "The follower ended while the worker's output was still being read.");

        await output.Writer.WriteAsync("last\n"u8.ToArray(), TestContext.Current.CancellationToken);
        await output.Writer.CompleteAsync();
        await capture;
        await following.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(["kept", "new", "last"], seen);
    }
}
