using Quickstart.Contract;

namespace Quickstart.Worker;

/// <summary>The calculator worker; runs inside a sandbox on a swarm node.</summary>
public sealed class Calculator : ICalculator
{
    /// <inheritdoc />
    public Task<int> AddAsync(int a, int b) => Task.FromResult(checked(a + b));

    /// <inheritdoc />
    public Task<int> DivideAsync(int dividend, int divisor) => Task.FromResult(dividend / divisor);

    /// <inheritdoc />
    public Task<WorkerWhereabouts> WhereAmIAsync() =>
        Task.FromResult(new WorkerWhereabouts(Environment.ProcessId, Environment.MachineName));

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
