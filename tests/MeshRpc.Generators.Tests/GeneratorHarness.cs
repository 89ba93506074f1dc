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
    /// (types without JSON metadata serialize by reflection), which is unset, as in a trimmed project, by default.
    /// </summary>
    public static (GeneratorDriver Driver, Compilation Output, ImmutableArray<Diagnostic> Diagnostics) Run(
        string source, bool trackSteps = false, bool caller = true, bool worker = true, bool reflectionJson = false)
    {
        var compilation = Compile(source, caller, worker);
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new MeshWorkerGenerator().AsSourceGenerator()],
            optionsProvider: new BuildProperties(reflectionJson ? new() { [MeshWorkerGenerator.ReflectionJsonProperty] = "true" } : []),
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
    /// The TypeScript stub generated for the single contract the driver saw, read out of its comment-only carrier
    /// by the same rule the build targets (Runtime/MeshRpc.TypeScript/MeshRpc.Runtime.targets) apply.
    /// </summary>
    public static (string FileName, string Text) TypeScriptStub(GeneratorDriver driver)
    {
        var carrier = Assert.Single(driver.GetRunResult().GeneratedTrees, t => t.FilePath.EndsWith(".MeshRpc.ts.g.cs", StringComparison.Ordinal)).ToString();
        string? fileName = null;
        var stub = new System.Text.StringBuilder();
        foreach (var line in carrier.Split('\n'))
        {
            if (line.StartsWith(TypeScriptEmitter.FileMarker, StringComparison.Ordinal))
            {
                fileName = line[TypeScriptEmitter.FileMarker.Length..].Trim();
            }
            else if (line == TypeScriptEmitter.LinePrefix)
            {
                stub.Append('\n');
            }
            else if (line.StartsWith(TypeScriptEmitter.LinePrefix + " ", StringComparison.Ordinal))
            {
                stub.Append(line[(TypeScriptEmitter.LinePrefix.Length + 1)..]).Append('\n');
            }
        }

        Assert.NotNull(fileName);
        return (fileName, stub.ToString());
    }

    // The framework, and what every contract project has whichever ends it generates: abstractions, protocol, runtime.
    private static ImmutableArray<MetadataReference> LoadPlatform()
    {
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => !Path.GetFileName(path).StartsWith("MeshRpc.", StringComparison.Ordinal));
        var local = new[]
        {
            typeof(MeshWorkerAttribute).Assembly.Location, typeof(Wire.Frames).Assembly.Location, typeof(MeshContract).Assembly.Location,
            typeof(StreamJsonRpc.JsonRpc).Assembly.Location,
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
