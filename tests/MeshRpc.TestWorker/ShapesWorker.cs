using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace MeshRpc.TestWorker;

/// <summary>Implements <see cref="IShapesWorker"/>, recording what it saw so tests can ask.</summary>
public sealed class ShapesWorker : IShapesWorker
{
    private readonly ConcurrentQueue<string> _notes = new();
    private int _produced;
    private bool _streamCancelled;
    private bool _cancelled;

    /// <inheritdoc />
    public Task<string> FromBaseAsync() => Task.FromResult("base");

    /// <inheritdoc />
    public Task<Order> PlaceAsync(Order order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return Task.FromResult(order with { Status = OrderStatus.Paid, Total = order.Lines.Sum(l => l.Quantity * l.UnitPrice) });
    }

    /// <inheritdoc />
    public ValueTask<int?> MaybeAsync(int? value) => ValueTask.FromResult(value is null ? (int?)null : value * 2);

    /// <inheritdoc />
    public ValueTask PingAsync() => ValueTask.CompletedTask;

    /// <inheritdoc />
    public ValueTask<long> ScaleAsync(int value, long factor, CancellationToken cancellationToken) => ValueTask.FromResult(value * factor);

    /// <inheritdoc />
    public void Remember(string note) => _notes.Enqueue(note);

    /// <inheritdoc />
    public Task<string[]> NotesAsync() => Task.FromResult(_notes.ToArray());

    /// <inheritdoc />
    public async IAsyncEnumerable<int> CountAsync(int upTo, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        _produced = 0;
        _streamCancelled = false;
        using var registration = cancellationToken.Register(() => _streamCancelled = true);
        for (var i = 1; i <= upTo; i++)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            Interlocked.Increment(ref _produced);
            yield return i;
        }
    }

    /// <inheritdoc />
    public Task<StreamProgress> CountProgressAsync() => Task.FromResult(new StreamProgress(Volatile.Read(ref _produced), _streamCancelled));

    /// <inheritdoc />
    public async Task WaitForCancellationAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        finally
        {
            _cancelled = cancellationToken.IsCancellationRequested;
        }
    }

    /// <inheritdoc />
    public Task<bool> WasCancelledAsync() => Task.FromResult(_cancelled);

    /// <inheritdoc />
    public Task<string?> TraceParentAsync() => Task.FromResult(System.Diagnostics.Activity.Current?.ParentId);

    /// <inheritdoc />
    public Task WaitWithinTimeoutAsync(CancellationToken cancellationToken) => WaitForCancellationAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<int> WorkRegardlessAsync(int delayMs)
    {
        await Task.Delay(delayMs);
        return delayMs;
    }

    /// <inheritdoc />
    public async Task<int> SleepAsync(int delayMs, CancellationToken cancellationToken)
    {
        _cancelled = false;
        try
        {
            await Task.Delay(delayMs, cancellationToken);
            return delayMs;
        }
        finally
        {
            _cancelled = cancellationToken.IsCancellationRequested;
        }
    }

    /// <inheritdoc />
    public Task<string> GreetAsync(string name, string greeting = "Hello") => Task.FromResult($"{greeting}, {name}");

    /// <inheritdoc />
    public Task<string> DescribeAsync(int value) => Task.FromResult($"int {value}");

    /// <inheritdoc />
    public Task<string> DescribeAsync(string value) => Task.FromResult($"string {value}");

    /// <inheritdoc />
    public Task<int> AddAsync(int value) => Task.FromResult(value + 1);

    /// <inheritdoc />
    public Task<long> Add(long value) => Task.FromResult(value + 1_000_000_000_000);

    /// <inheritdoc />
    public Task<string> Delete(string key) => Task.FromResult($"deleted {key}");

    /// <inheritdoc />
    public Task<string> VersionAsync() => Task.FromResult("v1");

    /// <inheritdoc />
    public Task<Dictionary<string, int>> CountKeysAsync(Dictionary<string, string> values, Guid id, DateTimeOffset at, byte[] blob)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(blob);
        return Task.FromResult(new Dictionary<string, int>
        {
            ["keys"] = values.Count,
            ["idVersion"] = id.Version,
            ["offsetMinutes"] = (int)at.Offset.TotalMinutes,
            ["bytes"] = blob.Length,
        });
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
