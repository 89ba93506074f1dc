namespace MeshRpc.Tests.Reflection;

/// <summary>The inventory worker: compiled into the tests that serve it, and sent as source by those that summon it.</summary>
public sealed class InventoryWorker : IInventoryWorker
{
    private static readonly Item[] Stock = [new("a-1", Size.Small, 1.5m), new("b-2", Size.Large, 20m), new("c-3", Size.Large, 7.25m)];

    /// <inheritdoc />
    public Task<Order> PlaceAsync(Order order) =>
        Task.FromResult(order with { Extras = [.. order.Extras, new Item("gift", Size.Small, 0m)] });

    /// <inheritdoc />
    public Task<List<Item>> ItemsAsync(Size size) => Task.FromResult(Stock.Where(item => item.Size == size).ToList());

    /// <inheritdoc />
    public Task<Dictionary<string, Item>> IndexAsync(Item[] items) => Task.FromResult(items.ToDictionary(item => item.Sku));

    /// <inheritdoc />
    public Task<Size> LargestAsync(List<Size> sizes) => Task.FromResult(sizes.Max());

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
