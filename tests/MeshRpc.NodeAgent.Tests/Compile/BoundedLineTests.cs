using MeshRpc.NodeAgent.Compile;

namespace MeshRpc.NodeAgent.Tests.Compile;

/// <summary>The one line a compile sandbox answers with, read without trusting it to end.</summary>
public sealed class BoundedLineTests
{
    [Fact]
    public async Task ReadsTheFirstLine_WithoutItsEnd()
    {
        Assert.Equal("{\"a\":1}", await BoundedLine.ReadAsync(new StringReader("{\"a\":1}\nmore\n"), 100, TestContext.Current.CancellationToken));
        Assert.Equal("unended", await BoundedLine.ReadAsync(new StringReader("unended"), 100, TestContext.Current.CancellationToken));
        Assert.Null(await BoundedLine.ReadAsync(new StringReader(string.Empty), 100, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Refuses_ALineLongerThanItsBound_WithoutReadingTheRest()
    {
        var endless = new EndlessReader();

        await Assert.ThrowsAsync<InvalidDataException>(() => BoundedLine.ReadAsync(endless, 100_000, TestContext.Current.CancellationToken));

        Assert.True(endless.Served < 200_000, $"It read {endless.Served} characters of a line bounded at 100,000.");
    }

    /// <summary>A line that never ends, as a subverted compiler would print.</summary>
    private sealed class EndlessReader : TextReader
    {
        public long Served { get; private set; }

        public override int Read(char[] buffer, int index, int count)
        {
            Array.Fill(buffer, 'x', index, count);
            Served += count;
            return count;
        }
    }
}
