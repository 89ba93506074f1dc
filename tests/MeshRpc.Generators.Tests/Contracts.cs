namespace MeshRpc.Generators.Tests;

/// <summary>Contract sources the generator tests share.</summary>
internal static class Contracts
{
    /// <summary>
    /// Stands in for a source-generated JSON context: the generator reads only its [JsonSerializable] list and its
    /// static Default, and these tests do not run System.Text.Json's own generator.
    /// </summary>
    /// <remarks>Appended to sources with a file-scoped namespace, so it declares none of its own.</remarks>
    public const string JsonContextStandIn = """
        public abstract class ContextStandIn : System.Text.Json.Serialization.JsonSerializerContext
        {
            protected ContextStandIn() : base(null) { }
            protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
            public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(System.Type type) => null;
        }
        """;

    public const string Calculator = """
        using System;
        using System.Collections.Generic;
        using System.Text.Json.Serialization;
        using System.Threading;
        using System.Threading.Tasks;
        using MeshRpc;

        namespace Demo;

        public sealed record Whereabouts(int ProcessId, string? Label);

        [JsonSerializable(typeof(Whereabouts))]
        public sealed class CalculatorJson : ContextStandIn
        {
            public static CalculatorJson Default { get; } = new();
        }

        [MeshWorker(JsonContext = typeof(CalculatorJson))]
        public interface ICalculator : IAsyncDisposable
        {
            Task<int> AddAsync(int a, int b);
            Task<long> AddAsync(long a, long b);
            Task ResetAsync(CancellationToken cancellationToken);
            ValueTask<Whereabouts?> WhereAsync(string? label, CancellationToken cancellationToken = default);
            ValueTask PingAsync();
            void Log(string message);
            IAsyncEnumerable<int> CountAsync(int to, CancellationToken cancellationToken);
            [MeshMethod("calc.version")]
            Task<string> VersionAsync();
        }
        """ + "\n" + JsonContextStandIn;

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

    public const string Nested = """
        using System.Threading.Tasks;
        using MeshRpc;

        namespace Demo.Deep;

        public static class Outer
        {
            public static class Middle
            {
                [MeshWorker]
                public interface IInner
                {
                    Task<string> EchoAsync(string text);
                }
            }
        }
        """;
}
