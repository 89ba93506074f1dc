using MeshRpc.Hosting;
using MeshRpc.Tests.Reflection;

namespace MeshRpc.Runtime.Tests.Reflection;

/// <summary>
/// A contract without a JSON context, in a JIT project, over a real loopback connection: records, enums, lists and
/// arrays of records and dictionaries cross the wire both ways through the generated proxy and dispatcher.
/// </summary>
public sealed class ReflectionJsonTests
{
    [Fact]
    public async Task RecordsEnumsListsArraysAndDictionaries_CrossTheWire_WithoutAJsonContext()
    {
        var contract = MeshContracts.Get<IInventoryWorker>();
        await using var server = new WorkerServer(LoopbackTickets.ServerOptions(), contract, new InventoryWorker());
        var endpoint = server.Start();
        await using var connection = await WorkerConnection.ConnectAsync(LoopbackTickets.For<IInventoryWorker>(endpoint), contract, TestContext.Current.CancellationToken);
        var inventory = GhostProxies.Create<IInventoryWorker>(connection);

        var order = new Order(7, [new Item("a-1", Size.Small, 1.5m)], new() { ["a-1"] = 3 }, [new Item("b-2", Size.Large, 20m)]);
        var placed = await inventory.PlaceAsync(order);
        var large = await inventory.ItemsAsync(Size.Large);
        var index = await inventory.IndexAsync([new Item("x", Size.Small, 2m), new Item("y", Size.Large, 3m)]);

        Assert.Equal(7, placed.Id);
        Assert.Equal(order.Items, placed.Items);
        Assert.Equal(3, placed.Quantities["a-1"]);
        Assert.Equal([new Item("b-2", Size.Large, 20m), new Item("gift", Size.Small, 0m)], placed.Extras);
        Assert.Equal(["b-2", "c-3"], large.Select(item => item.Sku));
        Assert.Equal(new Item("y", Size.Large, 3m), index["y"]);
        Assert.Equal(Size.Large, await inventory.LargestAsync([Size.Small, Size.Large, Size.Small]));
    }
}
