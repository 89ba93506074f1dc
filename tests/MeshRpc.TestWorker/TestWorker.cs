namespace MeshRpc.TestWorker;

/// <summary>The test worker's implementation.</summary>
public sealed class TestWorker : ITestWorker
{
    private int _count;

    /// <inheritdoc />
    public Task<int> GetProcessIdAsync() => Task.FromResult(Environment.ProcessId);

    /// <inheritdoc />
    public Task<int> IncrementAsync() => Task.FromResult(Interlocked.Increment(ref _count));

    /// <inheritdoc />
    public Task<int> GetCountAsync() => Task.FromResult(Volatile.Read(ref _count));

    /// <inheritdoc />
    public Task<string> EchoAsync(string text) => Task.FromResult(text);

    /// <inheritdoc />
    public Task FailAsync(string message) => throw new InvalidOperationException(message);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
