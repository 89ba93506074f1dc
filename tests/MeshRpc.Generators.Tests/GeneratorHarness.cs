using System.Collections.Immutable;
using MeshRpc.Generators;
using MeshRpc.Generators.TypeScript;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace MeshRpc.Generators.Tests;

/// <summary>Runs the MeshRpc generator over source text against the real runtime references.</summary>
internal static class GeneratorHarness
{
    private static readonly ImmutableArray<MetadataReference> Platform = LoadPlatform();
    private static readonly MetadataReference CallerPackage = MetadataReference.CreateFromFile(typeof(GhostProxy).Assembly.Location);
    private static readonly MetadataReference WorkerPackage = MetadataReference.CreateFromFile(typeof(Hosting.MeshDispatcher).Assembly.Location);

    /// <summary>Compiles <paramref name="source"/> as a contract project referencing the caller package, the worker package, or both.</summary>
    public static CSharpCompilation Compile(string source, bool caller = true, bool worker = true) =>
        CSharpCompilation.Create(
            "Contracts",
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: "Contract.cs")],
            [.. Platform, .. caller ? [CallerPackage] : Array.Empty<MetadataReference>(), .. worker ? [WorkerPackage] : Array.Empty<MetadataReference>()],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, warningLevel: 9999));

    /// <summary>
    /// Runs the generator; <paramref name="reflectionJson"/> sets the MSBuild property MeshRpc's targets set in a JIT project
    /// (types without JSON metadata serialize by reflection), which is unset, as in a trimmed project, by default;
    /// <paramref name="helpPage"/> the one naming the page diagnostics link to.
    /// </summary>
    public static (GeneratorDriver Driver, Compilation Output, ImmutableArray<Diagnostic> Diagnostics) Run(
        string source, bool trackSteps = false, bool caller = true, bool worker = true, bool reflectionJson = false, string? helpPage = null)
    {
        var compilation = Compile(source, caller, worker);
        var properties = new Dictionary<string, string>();
        if (reflectionJson)
        {
            properties[MeshWorkerGenerator.ReflectionJsonProperty] = "true";
        }

        if (helpPage is not null)
        {
            properties[Model.HelpPage.Property] = helpPage;
        }

        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new MeshWorkerGenerator().AsSourceGenerator()],
            optionsProvider: new BuildProperties(properties),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps),
            parseOptions: (CSharpParseOptions)compilation.SyntaxTrees[0].Options);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return (driver, output, diagnostics);
    }

    /// <summary>The Hash constant the generator emitted for the single contract in <paramref name="source"/>.</summary>
    public static string ContractHash(string source)
    {
        var (driver, _, _) = Run(source);
        var text = CSharpOutput(driver);
        var match = System.Text.RegularExpressions.Regex.Match(text, "public const string Hash = \"([0-9a-f]+)\";");
        Assert.True(match.Success, "The generated contract has no Hash constant.");
        return match.Groups[1].Value;
    }

    /// <summary>The C# (contract class and ghost proxy) generated for the single contract the driver saw.</summary>
    public static string CSharpOutput(GeneratorDriver driver) =>
        Assert.Single(driver.GetRunResult().GeneratedTrees, t => t.FilePath.EndsWith(".MeshRpc.g.cs", StringComparison.Ordinal)).ToString();

    /// <summary>
    /// The TypeScript stub of the single contract in <paramref name="output"/>, written as the build step writes it:
    /// the compilation is emitted, then read back from its metadata (<see cref="StubFiles"/>).
    /// </summary>
    public static StubFiles.StubFile TypeScriptStub(Compilation output) => Assert.Single(TypeScriptStubs(output));

    /// <summary>Every stub the build step writes for <paramref name="output"/>'s assembly.</summary>
    public static IReadOnlyList<StubFiles.StubFile> TypeScriptStubs(Compilation output)
    {
        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        Assert.True(emitted.Success, string.Join(Environment.NewLine, emitted.Diagnostics));
        var assembly = MetadataReference.CreateFromImage(image.ToArray());
        var reader = CSharpCompilation.Create(
            "StubReader",
            references: [.. Platform, CallerPackage, WorkerPackage, assembly],
            options: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, metadataImportOptions: MetadataImportOptions.All));
        return [.. StubFiles.Of((IAssemblySymbol)reader.GetAssemblyOrModuleSymbol(assembly)!, CancellationToken.None)];
    }

    // The framework, and what every contract project has whichever ends it generates: abstractions, protocol, runtime.
    private static ImmutableArray<MetadataReference> LoadPlatform()
    {
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => !Path.GetFileName(path).StartsWith("MeshRpc.", StringComparison.Ordinal));
        var local = new[]
        {
            typeof(MeshWorkerAttribute).Assembly.Location, typeof(Wire.Frames).Assembly.Location, typeof(MeshContract).Assembly.Location,
        };
        return [.. trusted.Concat(local).Distinct().Select(path => MetadataReference.CreateFromFile(path))];
    }

    // The global options an MSBuild project hands analyzers: its CompilerVisibleProperty values, as build_property.*.
    private sealed class BuildProperties(Dictionary<string, string> values) : Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptionsProvider
    {
        public override Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions GlobalOptions { get; } = new Options(values);

        public override Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Options([]);

        public override Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new Options([]);

        private sealed class Options(Dictionary<string, string> values) : Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
        }
    }
}
