using System.Text.Json.Serialization;
using MeshRpc;

namespace Quickstart.Contract;

/// <summary>A worker contract. Extending IAsyncDisposable lets callers write 'await using' to tear the worker down.</summary>
[MeshWorker(JsonContext = typeof(CalculatorJson))]
public interface ICalculator : IAsyncDisposable
{
    /// <summary>Adds two numbers.</summary>
    Task<int> AddAsync(int a, int b);

    /// <summary>Divides; throws on division by zero, which reaches the caller as a remote error.</summary>
    Task<int> DivideAsync(int dividend, int divisor);

    /// <summary>Says where the worker runs, proving the call crossed a process boundary.</summary>
    Task<WorkerWhereabouts> WhereAmIAsync();
}

/// <summary>Where a worker runs.</summary>
public sealed record WorkerWhereabouts(int ProcessId, string MachineName);

/// <summary>JSON metadata for the contract's own types, generated at compile time (no reflection on the call path).</summary>
[JsonSerializable(typeof(WorkerWhereabouts))]
internal sealed partial class CalculatorJson : JsonSerializerContext
{
}
