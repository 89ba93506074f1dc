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
        [MeshTimeout(30000)]
        public interface ICalculator : IAsyncDisposable
        {
            Task<int> AddAsync(int a, int b);
            Task<long> AddAsync(long a, long b);
            [MeshTimeout(500)]
            Task ResetAsync(CancellationToken cancellationToken);
            ValueTask<Whereabouts?> WhereAsync(string? label, CancellationToken cancellationToken = default);
            ValueTask PingAsync();
            void Log(string message);
            IAsyncEnumerable<int> CountAsync(int to, CancellationToken cancellationToken);
            [MeshMethod("calc.version")]
            Task<string> VersionAsync();
        }
        """ + "\n" + JsonContextStandIn;

    /// <summary>Every type mapping the TypeScript stub makes, including the shapes it can only type as unknown.</summary>
    public const string Typed = """
        using System;
        using System.Collections.Generic;
        using System.Text.Json.Serialization;
        using System.Threading.Tasks;
        using MeshRpc;

        namespace Demo.Typed;

        public enum Priority { Low = 1, High = 10 }

        [JsonConverter(typeof(JsonStringEnumConverter<Colour>))]
        public enum Colour { Red, Green }

        public class Entity
        {
            public Guid Id { get; set; }
        }

        public sealed class Ticket : Entity
        {
            [JsonPropertyName("ticket_title")]
            public string Title { get; set; } = "";
            public string? Assignee { get; set; }
            public Priority Priority { get; set; }
            public Colour Colour { get; set; }
            public List<string> Tags { get; set; } = new();
            public Dictionary<int, double> Scores { get; set; } = new();
            public DateTimeOffset Opened { get; set; }
            public TimeSpan Effort { get; set; }
            public byte[] Attachment { get; set; } = Array.Empty<byte>();
            public long Sequence { get; set; }
            public decimal Cost { get; set; }
            public object? Extra { get; set; }
            public (int, int) Span { get; set; }
            public Ticket? Parent { get; set; }
            [JsonIgnore]
            public string Secret { get; set; } = "";
            [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
            public string? Note { get; set; }
        }

        [JsonSerializable(typeof(Ticket))]
        [JsonSerializable(typeof(Ticket[]))]
        [JsonSerializable(typeof(Priority))]
        public sealed class TypedJson : ContextStandIn
        {
            public static TypedJson Default { get; } = new();
        }

        [MeshWorker(JsonContext = typeof(TypedJson))]
        public interface ITracker
        {
            Task<Ticket> OpenAsync(Ticket ticket, Priority priority = Priority.High, string @default = "x\"y", int? limit = null);
            Task<Ticket[]> FindAsync(string? text);
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
