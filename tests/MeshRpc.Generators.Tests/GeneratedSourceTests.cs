using Microsoft.CodeAnalysis;

namespace MeshRpc.Generators.Tests;

public sealed class GeneratedSourceTests
{
    [Theory]
    [InlineData(nameof(Contracts.Calculator), Contracts.Calculator)]
    [InlineData(nameof(Contracts.Inherited), Contracts.Inherited)]
    [InlineData(nameof(Contracts.Nested), Contracts.Nested)]
    public void Output_MatchesSnapshot(string name, string source)
    {
        var (driver, _, _) = GeneratorHarness.Run(source);

        SnapshotAssert.Matches(name + ".cs", GeneratorHarness.CSharpOutput(driver));
    }

    [Theory]
    [InlineData(nameof(Contracts.Calculator), Contracts.Calculator)]
    [InlineData(nameof(Contracts.Inherited), Contracts.Inherited)]
    [InlineData(nameof(Contracts.Nested), Contracts.Nested)]
    [InlineData(nameof(Contracts.Typed), Contracts.Typed)]
    public void TypeScriptStub_MatchesSnapshot(string name, string source)
    {
        var (_, output, _) = GeneratorHarness.Run(source);

        SnapshotAssert.Matches(name + ".ts", GeneratorHarness.TypeScriptStub(output).Text);
    }

    [Fact]
    public void CSharpAndTypeScript_NameOverloadsAlike_WithOrWithoutTheAsyncSuffix()
    {
        var (driver, output, diagnostics) = GeneratorHarness.Run("""
            using System.Threading.Tasks;
            using MeshRpc;
            [MeshWorker]
            public interface IMath
            {
                Task<int> AddAsync(int value);
                Task<long> Add(long value);
                Task<string> Delete(string key);
                Task<string> DestructAsync();
                Task<int> ExtendAsync(int days);
            }
            """);

        Assert.Empty(diagnostics);
        var csharp = GeneratorHarness.CSharpOutput(driver);
        var stub = GeneratorHarness.TypeScriptStub(output).Text;
        Assert.Contains("\"Add(int)\"", csharp, StringComparison.Ordinal);
        Assert.Contains("\"Add(long)\"", csharp, StringComparison.Ordinal);
        Assert.Contains("add_int: function (value: number", stub, StringComparison.Ordinal);
        Assert.Contains("connection.call(\"Add(int)\"", stub, StringComparison.Ordinal);
        Assert.Contains("add_long: function (value: number", stub, StringComparison.Ordinal);
        Assert.Contains("connection.call(\"Add(long)\"", stub, StringComparison.Ordinal);

        // A reserved word is a valid ES5 property name; the stub's own members are not the contract's to take.
        Assert.Contains("delete: function (key: string", stub, StringComparison.Ordinal);
        Assert.Contains("destruct_: function (", stub, StringComparison.Ordinal);
        Assert.Contains("connection.call(\"Destruct\"", stub, StringComparison.Ordinal);
        Assert.Contains("extend_: function (days: number", stub, StringComparison.Ordinal);
        Assert.Contains("connection.call(\"Extend\"", stub, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Contracts.Calculator)]
    [InlineData(Contracts.Inherited)]
    [InlineData(Contracts.Nested)]
    [InlineData(Contracts.Typed)]
    public void TypeScriptStub_ReadFromTheAssembly_IsTheOneTheSourceModelGives(string source)
    {
        // The build step parses the compiled assembly; the generator parsed the source. One parser, one model, one stub.
        var compilation = GeneratorHarness.Compile(source);
        var contract = compilation.SyntaxTrees.Single().GetRoot(TestContext.Current.CancellationToken)
            .DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.InterfaceDeclarationSyntax>()
            .Select(node => (INamedTypeSymbol)compilation.GetSemanticModel(node.SyntaxTree).GetDeclaredSymbol(node, TestContext.Current.CancellationToken)!)
            .Single(symbol => symbol.GetAttributes().Any(a => a.AttributeClass?.Name == "MeshWorkerAttribute"));
        var model = Parser.Parse(contract, contract.GetAttributes().Single(a => a.AttributeClass?.Name == "MeshWorkerAttribute"), TestContext.Current.CancellationToken).Model!;
        var (_, output, _) = GeneratorHarness.Run(source);

        var stub = GeneratorHarness.TypeScriptStub(output);

        Assert.Equal(model.TypeScript.FileName, stub.FileName);
        Assert.Equal(TypeScript.TypeScriptEmitter.Emit(model), stub.Text);
    }

    [Fact]
    public void TypeScriptStub_IsNotWritten_ForAContractWithErrors()
    {
        var (_, output, diagnostics) = GeneratorHarness.Run("""
            using System.Threading.Tasks;
            using MeshRpc;
            [MeshWorker] public interface IBroken { int Add(int a); }
            [MeshWorker] public interface IFine { Task<int> AddAsync(int a); }
            """);

        Assert.Contains(diagnostics, d => d.Id == "MESH001");
        Assert.Equal("Fine.ts", Assert.Single(GeneratorHarness.TypeScriptStubs(output)).FileName);
    }

    [Fact]
    public void TypeScriptStub_NotesEveryShapeItCannotCarryFaithfully()
    {
        var (_, output, _) = GeneratorHarness.Run(Contracts.Typed);

        var stub = GeneratorHarness.TypeScriptStub(output).Text;

        Assert.Contains("// Note: Demo.Typed.Ticket.Extra is object", stub, StringComparison.Ordinal);
        Assert.Contains("// Note: Demo.Typed.Ticket.Span uses (int, int), which the stub cannot express", stub, StringComparison.Ordinal);
        Assert.Contains("// Note: 64-bit integers", stub, StringComparison.Ordinal);
        Assert.Contains("// Note: decimal values", stub, StringComparison.Ordinal);
        Assert.Contains("dictionary keys of type int", stub, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", stub, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(Contracts.Calculator)]
    [InlineData(Contracts.Inherited)]
    [InlineData(Contracts.Nested)]
    [InlineData(Contracts.Typed)]
    public void Output_CompilesWithoutWarnings(string source)
    {
        var (_, output, generatorDiagnostics) = GeneratorHarness.Run(source);

        Assert.Empty(generatorDiagnostics);
        var problems = output.GetDiagnostics(TestContext.Current.CancellationToken).Where(d => d.Severity > DiagnosticSeverity.Info);
        Assert.Empty(problems);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void A_ProjectGetsOnlyTheEndsItsPackagesServe_AndTheSameHash(bool caller, bool worker)
    {
        var (driver, output, generatorDiagnostics) = GeneratorHarness.Run(Contracts.Calculator, caller: caller, worker: worker);

        Assert.Empty(generatorDiagnostics);
        Assert.Empty(output.GetDiagnostics(TestContext.Current.CancellationToken).Where(d => d.Severity > DiagnosticSeverity.Info));
        var csharp = GeneratorHarness.CSharpOutput(driver);
        Assert.Equal(caller, csharp.Contains("GhostProxy", StringComparison.Ordinal));
        Assert.Equal(worker, csharp.Contains("MeshDispatcher", StringComparison.Ordinal));
        // Caller and worker built from one contract in different projects must still agree on the wire.
        Assert.Equal(GeneratorHarness.ContractHash(Contracts.Calculator), System.Text.RegularExpressions.Regex.Match(csharp, "Hash = \"([0-9a-f]+)\"").Groups[1].Value);
    }

    [Fact]
    public void ContractHash_IgnoresParameterNamesAndNullability_ButNotTypes()
    {
        static string HashOf(string signature) => GeneratorHarness.ContractHash($$"""
            using System.Threading.Tasks;
            using MeshRpc;
            [MeshWorker]
            public interface IShape { {{signature}} }
            """);

        var original = HashOf("Task<string> EchoAsync(string text);");

        Assert.Equal(original, HashOf("Task<string?> EchoAsync(string? message);"));
        Assert.NotEqual(original, HashOf("Task<string> EchoAsync(int text);"));
        Assert.NotEqual(original, HashOf("Task<int> EchoAsync(string text);"));
        Assert.NotEqual(original, HashOf("Task<string> ShoutAsync(string text);"));
    }

    [Fact]
    public void ContractHash_IsPinnedAcrossMachinesAndBuilds()
    {
        // A pinned value: the hash must not depend on the machine, the process or the build.
        Assert.Equal("4a934126cbb60811a4db25edabb31b82", GeneratorHarness.ContractHash(Contracts.Calculator));
    }
}
