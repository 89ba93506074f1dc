using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using MeshRpc.Generators;
using MeshRpc.Hosting;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace MeshRpc.WorkerHost;

/// <summary>
/// Compiles summoned C# source with Roslyn, in this process, which runs inside the worker's sandbox: never in the
/// node agent. The MeshRpc generator (and System.Text.Json's, where the node has it) runs on the source as in a build.
/// </summary>
internal static class SourceCompiler
{
    /// <summary>The diagnostic id of a compilation stopped at its deadline.</summary>
    public const string DeadlineDiagnosticId = "MESHC001";

    /// <summary>
    /// Compiles and loads <paramref name="source"/>; throws <see cref="SourceCompileException"/> listing each error, or
    /// one <see cref="DeadlineDiagnosticId"/> error when compiling takes longer than <paramref name="deadline"/> (source
    /// can be written to keep the compiler busy for ever).
    /// </summary>
    public static Assembly Compile(string source, TimeSpan deadline)
    {
        // Roslyn does not check the token everywhere it can loop (overload resolution of nested lambdas is exponential),
        // so the deadline holds without it: a compilation still running then is abandoned, and the host exits.
        using var timeout = new CancellationTokenSource(deadline);
        var compiling = Task.Run(() => Compile(source, timeout.Token), CancellationToken.None);
        try
        {
            return compiling.Wait(deadline) ? compiling.Result : throw new OperationCanceledException(timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException || ex is AggregateException { InnerException: OperationCanceledException })
        {
            throw new SourceCompileException([new SourceDiagnostic(DeadlineDiagnosticId, "error",
                $"Compiling the summoned source took longer than {deadline.TotalSeconds:0.#} s, this node's limit; it was stopped. Simplify the source, or publish the worker as a gem.", 1, 1)]);
        }
        catch (AggregateException ex) when (ex.InnerException is SourceCompileException compileErrors)
        {
            throw compileErrors;
        }
    }

    private static Assembly Compile(string source, CancellationToken cancellationToken)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create(
            "Summoned_" + Guid.NewGuid().ToString("N"),
            [CSharpSyntaxTree.ParseText(source, parse, path: "worker.cs", cancellationToken: cancellationToken), CSharpSyntaxTree.ParseText(ControlPlane.SummonRules.SourceImplicitUsings, parse, path: "usings.cs", cancellationToken: cancellationToken)],
            References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, optimizationLevel: OptimizationLevel.Release));

        GeneratorDriver driver = CSharpGeneratorDriver.Create(Generators(), parseOptions: parse, optionsProvider: JitProjectOptions.Instance);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var generated, out var generatorDiagnostics, cancellationToken);

        using var image = new MemoryStream();
        var emitted = generated.Emit(image, cancellationToken: cancellationToken);
        var errors = generatorDiagnostics.Concat(emitted.Diagnostics)
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(ToSourceDiagnostic)
            .Distinct()
            .ToList();
        if (!emitted.Success || errors.Count > 0)
        {
            throw new SourceCompileException(errors);
        }

        image.Position = 0;
        return new AssemblyLoadContext("summoned-source").LoadFromStream(image);
    }

    private static ImmutableArray<MetadataReference> References() =>
    [
        .. GemLoadContext.HostAssemblyPaths
            .Where(path => !Path.GetFileName(path).StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal))
            .Select(path => MetadataReference.CreateFromFile(path)),
    ];

    private static IEnumerable<ISourceGenerator> Generators()
    {
        yield return new MeshWorkerGenerator().AsSourceGenerator();

        // System.Text.Json's generator ships with the .NET SDK's reference pack; a runtime-only node lacks it,
        // and then contracts using their own JSON types report MESH009 at compile time instead.
        var packs = Path.Combine(Path.GetDirectoryName(DotnetMuxer.Path)!, "packs", "Microsoft.NETCore.App.Ref");
        var jsonGenerator = Directory.Exists(packs)
            ? Directory.EnumerateDirectories(packs)
                .OrderByDescending(d => Version.TryParse(Path.GetFileName(d), out var v) ? v : new Version())
                .Select(d => Path.Combine(d, "analyzers", "dotnet", "cs", "System.Text.Json.SourceGeneration.dll"))
                .FirstOrDefault(File.Exists)
            : null;
        if (jsonGenerator is not null)
        {
            foreach (var generator in new AnalyzerFileReference(jsonGenerator, AnalyzerLoader.Instance).GetGenerators(LanguageNames.CSharp))
            {
                yield return generator;
            }
        }
    }

    private static SourceDiagnostic ToSourceDiagnostic(Diagnostic diagnostic)
    {
        var position = diagnostic.Location.GetLineSpan().StartLinePosition;
        return new SourceDiagnostic(
            diagnostic.Id,
            diagnostic.Severity.ToString().ToLowerInvariant(),
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture),
            position.Line + 1,
            position.Character + 1);
    }

    private sealed class AnalyzerLoader : IAnalyzerAssemblyLoader
    {
        public static readonly AnalyzerLoader Instance = new();

        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => AssemblyLoadContext.Default.LoadFromAssemblyPath(fullPath);
    }
}

/// <summary>Summoned source did not compile.</summary>
internal sealed class SourceCompileException(IReadOnlyList<SourceDiagnostic> diagnostics)
    : Exception($"The summoned source does not compile: {diagnostics.Count} error(s). " +
                string.Join(" ", diagnostics.Take(5).Select(d => $"({d.Line},{d.Column}) {d.Id}: {d.Message}")))
{
    public IReadOnlyList<SourceDiagnostic> Diagnostics { get; } = diagnostics;
}
