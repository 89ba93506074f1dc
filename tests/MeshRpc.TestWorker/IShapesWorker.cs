using System.Text.Json.Serialization;
using MeshRpc;

namespace MeshRpc.TestWorker;

/// <summary>A base contract, to prove inherited methods are remote too.</summary>
public interface IShapesBase
{
    /// <summary>Answers from the base interface.</summary>
    Task<string> FromBaseAsync();
}

/// <summary>Every method shape and data kind the generator supports, for end-to-end tests.</summary>
[MeshWorker(JsonContext = typeof(ShapesJson))]
public interface IShapesWorker : IShapesBase, IAsyncDisposable
{
    /// <summary>Echoes a rich record back with a computed total.</summary>
    Task<Order> PlaceAsync(Order order);

    /// <summary>Nullable value in and out.</summary>
    ValueTask<int?> MaybeAsync(int? value);

    /// <summary>A ValueTask without a result.</summary>
    ValueTask PingAsync();

    /// <summary>Several value-type arguments and a token, and a result ready at once: a call that allocates nothing at either end.</summary>
    ValueTask<long> ScaleAsync(int value, long factor, CancellationToken cancellationToken);

    /// <summary>One-way: the caller does not wait.</summary>
    void Remember(string note);

    /// <summary>What <see cref="Remember"/> stored.</summary>
    Task<string[]> NotesAsync();

    /// <summary>Counts from 1 to <paramref name="upTo"/>, one item at a time.</summary>
    IAsyncEnumerable<int> CountAsync(int upTo, CancellationToken cancellationToken);

    /// <summary>How many items <see cref="CountAsync"/> produced so far, and whether its token fired.</summary>
    Task<StreamProgress> CountProgressAsync();

    /// <summary>Waits until the caller cancels.</summary>
    Task WaitForCancellationAsync(CancellationToken cancellationToken);

    /// <summary>Whether <see cref="WaitForCancellationAsync"/> (or <see cref="WaitWithinTimeoutAsync"/>, or <see cref="SleepAsync"/>) saw its token fire.</summary>
    Task<bool> WasCancelledAsync();

    /// <summary>The trace context the call arrived in, as the worker's span of it names its parent; null outside a sampled trace.</summary>
    Task<string?> TraceParentAsync();

    /// <summary>Waits until cancelled, which its own timeout does after 300 ms.</summary>
    [MeshTimeout(300)]
    Task WaitWithinTimeoutAsync(CancellationToken cancellationToken);

    /// <summary>Works <paramref name="delayMs"/> without looking at any cancellation (its timeout is 300 ms) and returns it.</summary>
    [MeshTimeout(300)]
    Task<int> WorkRegardlessAsync(int delayMs);

    /// <summary>Sleeps <paramref name="delayMs"/> (its timeout is 300 ms unless the caller says otherwise) and returns it.</summary>
    [MeshTimeout(300)]
    Task<int> SleepAsync(int delayMs, CancellationToken cancellationToken);

    /// <summary>An optional parameter.</summary>
    Task<string> GreetAsync(string name, string greeting = "Hello");

    /// <summary>Overload one.</summary>
    Task<string> DescribeAsync(int value);

    /// <summary>Overload two.</summary>
    Task<string> DescribeAsync(string value);

    /// <summary>Overloads whose names differ only in the Async suffix: one wire name each, and one stub name each.</summary>
    Task<int> AddAsync(int value);

    /// <summary>The other overload.</summary>
    Task<long> Add(long value);

    /// <summary>A JavaScript reserved word as a method name.</summary>
    Task<string> Delete(string key);

    /// <summary>A method with an explicit wire name.</summary>
    [MeshMethod("legacy.version")]
    Task<string> VersionAsync();

    /// <summary>Dictionaries, Guid, DateTimeOffset and bytes as plain parameters.</summary>
    Task<Dictionary<string, int>> CountKeysAsync(Dictionary<string, string> values, Guid id, DateTimeOffset at, byte[] blob);
}

/// <summary>An order status.</summary>
public enum OrderStatus
{
    /// <summary>Just placed.</summary>
    New,

    /// <summary>Paid for.</summary>
    Paid,
}

/// <summary>A line of an order.</summary>
public sealed class LineItem
{
    /// <summary>The product.</summary>
    public required string Sku { get; init; }

    /// <summary>How many.</summary>
    public int Quantity { get; init; }

    /// <summary>Price of one.</summary>
    public decimal UnitPrice { get; init; }
}

/// <summary>A rich record crossing the wire.</summary>
public sealed record Order(
    Guid Id,
    OrderStatus Status,
    IReadOnlyList<LineItem> Lines,
    Dictionary<string, string> Tags,
    DateTimeOffset PlacedAt,
    byte[] Signature,
    decimal? Total,
    string? Note);

/// <summary>A stream's progress as the worker saw it.</summary>
public sealed record StreamProgress(int Produced, bool Cancelled);

/// <summary>JSON metadata for the shapes contract, generated at compile time.</summary>
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(StreamProgress))]
[JsonSerializable(typeof(Dictionary<string, int>))]
internal sealed partial class ShapesJson : JsonSerializerContext
{
}
