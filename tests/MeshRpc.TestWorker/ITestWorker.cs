using MeshRpc;

namespace MeshRpc.TestWorker;

/// <summary>The contract tests summon.</summary>
[MeshWorker]
public interface ITestWorker : IAsyncDisposable
{
    /// <summary>The worker's own process id.</summary>
    Task<int> GetProcessIdAsync();

    /// <summary>Counts a call and returns the new count.</summary>
    Task<int> IncrementAsync();

    /// <summary>How many calls reached <see cref="IncrementAsync"/>.</summary>
    Task<int> GetCountAsync();

    /// <summary>Returns its argument.</summary>
    Task<string> EchoAsync(string text);

    /// <summary>Throws <see cref="InvalidOperationException"/> with the given message.</summary>
    Task FailAsync(string message);
}
