namespace MeshRpc.Tests.Reflection;

/// <summary>How big an item is; an enum crosses the wire as its number.</summary>
public enum Size
{
    /// <summary>Small.</summary>
    Small,

    /// <summary>Large.</summary>
    Large,
}

/// <summary>One stock item.</summary>
public sealed record Item(string Sku, Size Size, decimal Price);

/// <summary>An order of items, with nested collections of records.</summary>
public sealed record Order(int Id, List<Item> Items, Dictionary<string, int> Quantities, Item[] Extras);

/// <summary>
/// A contract whose types have no JSON context at all, as an ordinary JIT project writes one: they serialize by
/// reflection. The generator warns of that (MESH012); each test project that compiles this file silences the warning.
/// </summary>
[MeshWorker]
public interface IInventoryWorker : IAsyncDisposable
{
    /// <summary>Returns the order with a gift added to its extras.</summary>
    Task<Order> PlaceAsync(Order order);

    /// <summary>The items of one size.</summary>
    Task<List<Item>> ItemsAsync(Size size);

    /// <summary>Each item keyed by its SKU.</summary>
    Task<Dictionary<string, Item>> IndexAsync(Item[] items);

    /// <summary>The largest size in the list.</summary>
    Task<Size> LargestAsync(List<Size> sizes);
}
