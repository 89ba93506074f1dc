namespace MeshRpc.Generators.Tests;

/// <summary>Contract sources the generator tests share.</summary>
internal static class Contracts
{
    public const string Calculator = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using MeshRpc;

        namespace Demo;

        public sealed record Whereabouts(int ProcessId, string? Label);

        [MeshWorker]
        public interface ICalculator : IAsyncDisposable
        {
            Task<int> AddAsync(int a, int b);
            Task ResetAsync(CancellationToken cancellationToken);
            ValueTask<Whereabouts?> WhereAsync(string? label, CancellationToken cancellationToken = default);
            ValueTask PingAsync();
        }
        """;

    public const string Inherited = """
        using System.Threading.Tasks;
        using MeshRpc;

        public interface IBase
        {
            Task<string> NameAsync();
        }

        [MeshWorker]
        internal interface IDerived : IBase
        {
            Task<int> CountAsync(int @class);
        }
        """;
}
