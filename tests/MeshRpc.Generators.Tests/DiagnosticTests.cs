using Microsoft.CodeAnalysis;

namespace MeshRpc.Generators.Tests;

public sealed class DiagnosticTests
{
    [Theory]
    [InlineData("MESH001", "int Add(int a, int b);")]
    [InlineData("MESH002", "Task<T> EchoAsync<T>(T value);")]
    [InlineData("MESH003", "Task AddAsync(ref int a);")]
    [InlineData("MESH003", "Task AddAsync(out int a);")]
    [InlineData("MESH004", "int Count { get; }")]
    [InlineData("MESH004", "event System.EventHandler Changed;")]
    [InlineData("MESH005", "[MeshMethod(\"same\")] Task AAsync(); [MeshMethod(\"same\")] Task BAsync();")]
    [InlineData("MESH005", "[MeshMethod(\"Add\")] Task PlusAsync(int a); Task AddAsync(int a);")]
    [InlineData("MESH009", "Task<System.Version> VersionAsync();")]
    [InlineData("MESH010", "[MeshMethod(\"mesh.handshake\")] Task HijackAsync();")]
    [InlineData("MESH010", "[MeshMethod(\"\")] Task EmptyAsync();")]
    [InlineData("MESH011", "Task AddAsync(int a); Task addAsync(int a);")]
    [InlineData("MESH011", "[MeshMethod(\"legacy.add\")] Task AddAsync(int a); Task Add(long a);")]
    [InlineData("MESH013", "[MeshTimeout(0)] Task SlowAsync();")]
    public void Reports_UnsupportedMember(string id, string member)
    {
        var diagnostics = Diagnose($$"""
            using System.Threading.Tasks;
            using MeshRpc;
            [MeshWorker]
            public interface IBad { {{member}} }
            """);

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.NotEqual(Microsoft.CodeAnalysis.Location.None, diagnostic.Location);
    }

    [Fact]
    public void Reports_GenericInterface()
    {
        var diagnostics = Diagnose("""
            using System.Threading.Tasks;
            using MeshRpc;
            [MeshWorker]
            public interface IBox<T> { Task<int> CountAsync(); }
            """);

        Assert.Equal("MESH006", Assert.Single(diagnostics).Id);
    }

    [Fact]
    public void Reports_PrivateInterface()
    {
        var diagnostics = Diagnose("""
            using System.Threading.Tasks;
            using MeshRpc;
            public class Outer
            {
                [MeshWorker]
                private interface IHidden { Task<int> CountAsync(); }
            }
            """);

        Assert.Equal("MESH007", Assert.Single(diagnostics).Id);
    }

    [Fact]
    public void Reports_JsonContextThatIsNotAContext()
    {
        var diagnostics = Diagnose("""
            using System.Threading.Tasks;
            using MeshRpc;
            public sealed class NotAContext { }
            [MeshWorker(JsonContext = typeof(NotAContext))]
            public interface IBad { Task<int> CountAsync(); }
            """);

        Assert.Equal("MESH008", Assert.Single(diagnostics).Id);
    }

    [Fact]
    public void Reports_TypeMissingFromTheJsonContext_NamingTheContext()
    {
        var diagnostics = Diagnose("""
            using System.Text.Json.Serialization;
            using System.Threading.Tasks;
            using MeshRpc;
            namespace Demo;
            public sealed record Order(int Id);
            public sealed record Receipt(int Id);
            [JsonSerializable(typeof(Order))]
            public sealed class ShopJson : ContextStandIn { public static ShopJson Default { get; } = new(); }
            [MeshWorker(JsonContext = typeof(ShopJson))]
            public interface IShop { Task<Receipt> PlaceAsync(Order order); }
            """ + "\n" + Contracts.JsonContextStandIn);

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("MESH009", diagnostic.Id);
        Assert.Contains("Add [JsonSerializable(typeof(Receipt))] to ShopJson", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void TypesWithoutJsonMetadata_SerializeByReflection_WithAWarning_WhereTheProjectAllowsIt()
    {
        const string Source = """
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using MeshRpc;
            namespace Demo;
            public enum Size { Small, Large }
            public sealed record Item(string Sku, Size Size);
            public sealed record Order(int Id, List<Item> Items, Dictionary<string, Item> BySku, Item[] Extras);
            [MeshWorker]
            public interface IShop { Task<Order> PlaceAsync(Order order); Task<List<Item>> ItemsAsync(Size size); }
            """;

        var (driver, output, diagnostics) = GeneratorHarness.Run(Source, reflectionJson: true);

        var warnings = diagnostics.Where(d => d.Id.StartsWith("MESH", StringComparison.Ordinal)).ToList();
        Assert.All(warnings, d => Assert.Equal(("MESH012", DiagnosticSeverity.Warning), (d.Id, d.Severity)));
        Assert.Contains(warnings, d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains(
            "'Order', which has no JSON metadata: MeshRpc serializes it by reflection", StringComparison.Ordinal));
        Assert.Contains("new global::System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver()", GeneratorHarness.CSharpOutput(driver), StringComparison.Ordinal);
        Assert.Empty(output.GetDiagnostics(TestContext.Current.CancellationToken).Where(d => d.Severity > DiagnosticSeverity.Info));

        // The same contract in a trimmed or NativeAOT project: an error, and nothing generated that reflection would serialize.
        var (strict, _, errors) = GeneratorHarness.Run(Source);
        Assert.All(errors.Where(d => d.Id.StartsWith("MESH", StringComparison.Ordinal)), d => Assert.Equal(("MESH009", DiagnosticSeverity.Error), (d.Id, d.Severity)));
        Assert.DoesNotContain(strict.GetRunResult().GeneratedTrees, t => t.FilePath.EndsWith(".MeshRpc.g.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void AContractWhoseContextCoversEveryType_NeverSerializesByReflection()
    {
        var (driver, _, diagnostics) = GeneratorHarness.Run(Contracts.Typed, reflectionJson: true);

        Assert.DoesNotContain(diagnostics, d => d.Id.StartsWith("MESH", StringComparison.Ordinal));
        Assert.DoesNotContain("DefaultJsonTypeInfoResolver", GeneratorHarness.CSharpOutput(driver), StringComparison.Ordinal);
    }

    [Fact]
    public void Diagnostics_SayHowToFix()
    {
        var diagnostic = Assert.Single(Diagnose("""
            using MeshRpc;
            [MeshWorker]
            public interface IBad { int Add(int a, int b); }
            """));

        Assert.Contains("Change the return type", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void BadInterface_GeneratesNoSource()
    {
        var (driver, _, _) = GeneratorHarness.Run("""
            using MeshRpc;
            [MeshWorker]
            public interface IBad { int Add(int a, int b); }
            """);

        Assert.Empty(driver.GetRunResult().GeneratedTrees);
    }

    [Fact]
    public void EveryDiagnostic_LinksToItsRowInTheDiagnosticsPage()
    {
        var page = typeof(DiagnosticTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "DiagnosticsPage").Value!;
        var text = File.ReadAllText(page);
        var ids = typeof(DiagnosticDescriptors).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Select(f => ((DiagnosticDescriptor)f.GetValue(null)!).Id).ToList();

        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.Contains($"<a id=\"{id.ToLowerInvariant()}\"></a>{id}", text, StringComparison.Ordinal));

        var diagnostic = Assert.Single(GeneratorHarness.Run("""
            using MeshRpc;
            [MeshWorker] public interface IBad { int Add(int a); }
            """, helpPage: page).Diagnostics);
        Assert.Equal(new Uri(page).AbsoluteUri + "#mesh001", diagnostic.Descriptor.HelpLinkUri);
        Assert.StartsWith("file:///", diagnostic.Descriptor.HelpLinkUri, StringComparison.Ordinal);
    }

    [Fact]
    public void A_HostedHelpPage_IsLinkedAsGiven()
    {
        var diagnostic = Assert.Single(GeneratorHarness.Run("""
            using MeshRpc;
            [MeshWorker] public interface IBad { int Add(int a); }
            """, helpPage: "https://docs.example.test/meshrpc/diagnostics").Diagnostics);

        Assert.Equal("https://docs.example.test/meshrpc/diagnostics#mesh001", diagnostic.Descriptor.HelpLinkUri);
    }

    private static List<Microsoft.CodeAnalysis.Diagnostic> Diagnose(string source) =>
        GeneratorHarness.Run(source).Diagnostics.Where(d => d.Id.StartsWith("MESH", StringComparison.Ordinal)).ToList();
}
