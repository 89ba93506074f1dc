using MeshRpc.IntegrationTests.Infrastructure;
using MeshRpc.TestWorker;

namespace MeshRpc.IntegrationTests;

/// <summary>Every method shape and data kind, through a generated proxy, against a worker in its own process.</summary>
public sealed class ShapeTests(MeshProcesses mesh) : IClassFixture<MeshProcesses>, IAsyncLifetime
{
    private MeshClient _client = null!;
    private IShapesWorker _worker = null!;

    public async ValueTask InitializeAsync()
    {
        _client = mesh.CreateClient();
        _worker = await _client.SummonAsync<IShapesWorker>(SummonRequest.FromGem(TestGem.ShapesPointer), TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _worker.DisposeAsync();
        _client.Dispose();
    }

    [Fact]
    public async Task Records_Classes_Enums_Collections_Dictionaries_Guid_Dates_Bytes_AndNullables_RoundTrip()
    {
        var order = new Order(
            Guid.NewGuid(),
            OrderStatus.New,
            [new LineItem { Sku = "a", Quantity = 2, UnitPrice = 1.25m }, new LineItem { Sku = "b", Quantity = 1, UnitPrice = 10m }],
            new Dictionary<string, string> { ["channel"] = "web" },
            new DateTimeOffset(2026, 11, 27, 12, 30, 0, TimeSpan.FromHours(2)),
            [1, 2, 3, 255],
            null,
            null);

        var placed = await _worker.PlaceAsync(order);

        Assert.Equal(order.Id, placed.Id);
        Assert.Equal(OrderStatus.Paid, placed.Status);
        Assert.Equal(12.5m, placed.Total);
        Assert.Equal(["a", "b"], placed.Lines.Select(l => l.Sku));
        Assert.Equal("web", placed.Tags["channel"]);
        Assert.Equal(order.PlacedAt, placed.PlacedAt);
        Assert.Equal(order.PlacedAt.Offset, placed.PlacedAt.Offset);
        Assert.Equal(order.Signature, placed.Signature);
        Assert.Null(placed.Note);
    }

    [Fact]
    public async Task NullableValues_AndPlainParameters_RoundTrip()
    {
        Assert.Equal(42, await _worker.MaybeAsync(21));
        Assert.Null(await _worker.MaybeAsync(null));

        var counts = await _worker.CountKeysAsync(
            new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }, Guid.NewGuid(), DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromMinutes(-90)), new byte[1000]);

        Assert.Equal(2, counts["keys"]);
        Assert.Equal(4, counts["idVersion"]);
        Assert.Equal(-90, counts["offsetMinutes"]);
        Assert.Equal(1000, counts["bytes"]);
    }

    [Fact]
    public async Task ValueTask_Overloads_OptionalParameters_ExplicitNames_AndInheritedMethods_Work()
    {
        await _worker.PingAsync();
        Assert.Equal("int 7", await _worker.DescribeAsync(7));
        Assert.Equal("string 7", await _worker.DescribeAsync("7"));
        Assert.Equal("Hello, Ann", await _worker.GreetAsync("Ann"));
        Assert.Equal("Hi, Bo", await _worker.GreetAsync("Bo", "Hi"));
        Assert.Equal("v1", await _worker.VersionAsync());
        Assert.Equal("base", await _worker.FromBaseAsync());
    }

    [Fact]
    public async Task VoidMethod_IsAOneWayNotification_ThatStillArrivesInOrder()
    {
        _worker.Remember("first");
        _worker.Remember("second");

        // A request after the notifications on the same ordered connection observes them.
        Assert.Equal(["first", "second"], await _worker.NotesAsync());
    }

    [Fact]
    public async Task Cancellation_ReachesTheWorker_WhoseTokenFires()
    {
        using var cts = new CancellationTokenSource();
        var waiting = _worker.WaitForCancellationAsync(cts.Token);
        await Task.Delay(200, TestContext.Current.CancellationToken);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.True(await Poll.UntilAsync(() => _worker.WasCancelledAsync()), "The worker's cancellation token never fired.");
    }

    [Fact]
    public async Task AsyncEnumerable_StreamsEveryItem_InOrder()
    {
        var items = new List<int>();
        await foreach (var item in _worker.CountAsync(100, TestContext.Current.CancellationToken))
        {
            items.Add(item);
        }

        Assert.Equal(Enumerable.Range(1, 100), items);
    }

    [Fact]
    public async Task AsyncEnumerable_ProducesOnlyWhatIsPulled_AndStopsWhenTheCallerStops()
    {
        await using (var enumerator = _worker.CountAsync(1_000_000, TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken))
        {
            for (var i = 1; i <= 3; i++)
            {
                Assert.True(await enumerator.MoveNextAsync());
                Assert.Equal(i, enumerator.Current);
            }

            var progress = await _worker.CountProgressAsync();
            Assert.InRange(progress.Produced, 3, 3 + MeshRpc.Wire.StreamProtocol.BatchSize);
        }

        Assert.True(await Poll.UntilAsync(async () => (await _worker.CountProgressAsync()).Cancelled), "Disposing the enumerator did not fire the worker's token.");
        Assert.True((await _worker.CountProgressAsync()).Produced < 100);
    }

    [Fact]
    public async Task AsyncEnumerable_CancelledByTheCaller_FiresTheWorkersToken()
    {
        using var cts = new CancellationTokenSource();
        var seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var item in _worker.CountAsync(1_000_000, cts.Token))
            {
                if (++seen == 5)
                {
                    await cts.CancelAsync();
                }
            }
        });

        Assert.True(await Poll.UntilAsync(async () => (await _worker.CountProgressAsync()).Cancelled), "Cancelling the enumeration did not fire the worker's token.");
    }
}
