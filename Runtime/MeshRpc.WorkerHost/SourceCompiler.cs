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
/// Compiles summoned C# source with Roslyn, in this process, which runs inside a compile sandbox of its own: never in
/// the node agent. The MeshRpc generator (and System.Text.Json's, where the node has it) runs on the source as in a
/// build. Nothing compiled is loaded or run here: the image goes back to the agent, which checks it and packs it as a gem.
/// </summary>
internal static class SourceCompiler
{
    /// <summary>The diagnostic id of a compilation stopped at its deadline.</summary>
    public const string DeadlineDiagnosticId = "MESHC001";

    /// <summary>The most errors a failed compilation reports: the first ones say what is wrong; a flood of them says nothing more.</summary>
    public const int MaxDiagnostics = 100;

    /// <summary>The diagnostic id of a compilation whose assembly is larger than the node allows.</summary>
    public const string OutputLimitDiagnosticId = "MESHC002";

    /// <summary>
    /// Compiles <paramref name="source"/> to an assembly image; throws <see cref="SourceCompileException"/> listing each
    /// error, one <see cref="DeadlineDiagnosticId"/> error when compiling takes longer than <paramref name="deadline"/>
    /// (source can be written to keep the compiler busy for ever), or one <see cref="OutputLimitDiagnosticId"/> error when
    /// the image is larger than <paramref name="maxOutputBytes"/>.
    /// </summary>
    public static byte[] Compile(string source, TimeSpan deadline, int maxOutputBytes)
    {
        var image = Compile(source, deadline);
        return image.Length <= maxOutputBytes ? image : throw new SourceCompileException([new SourceDiagnostic(OutputLimitDiagnosticId, "error",
            $"The summoned source compiles to {image.Length} bytes; this node accepts at most {maxOutputBytes}. Make the worker smaller (large constant data belongs in a gem's files).", 1, 1)]);
    }

    private static byte[] Compile(string source, TimeSpan deadline)
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

    private static byte[] Compile(string source, CancellationToken cancellationToken)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create(
            AssemblyName,
            [CSharpSyntaxTree.ParseText(source, parse, path: "worker.cs", cancellationToken: cancellationToken), CSharpSyntaxTree.ParseText(ControlPlane.SummonRules.SourceImplicitUsings, parse, path: "usings.cs", cancellationToken: cancellationToken)],
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, optimizationLevel: OptimizationLevel.Release, deterministic: true));

        GeneratorDriver driver = CSharpGeneratorDriver.Create(Generators.Value, parseOptions: parse, optionsProvider: JitProjectOptions.Instance);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var generated, out var generatorDiagnostics, cancellationToken);

        using var image = new MemoryStream();
        var emitted = generated.Emit(image, cancellationToken: cancellationToken);
        var errors = generatorDiagnostics.Concat(emitted.Diagnostics)
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(ToSourceDiagnostic)
            .Distinct()
            .Take(MaxDiagnostics)
            .ToList();
        if (!emitted.Success || errors.Count > 0)
        {
            throw new SourceCompileException(errors);
        }

        return image.ToArray();
    }

    /// <summary>
    /// The compiled assembly's name. One name for every source keeps a compilation deterministic, so the same source
    /// compiles to the same bytes; each summoned worker runs alone in its host, so the names never meet.
    /// </summary>
    public const string AssemblyName = "MeshRpc.SummonedSource";

    // Read once per process: a warm compiler's later compilations reuse the references' parsed metadata and the
    // generators' loaded assemblies, which is most of what makes its first compilation slow.
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    [
        .. GemLoadContext.HostAssemblyPaths
            .Where(path => !Path.GetFileName(path).StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal))
            .Select(path => MetadataReference.CreateFromFile(path)),
    ]);

    private static readonly Lazy<ImmutableArray<ISourceGenerator>> Generators = new(() => [.. FindGenerators()]);

    private static IEnumerable<ISourceGenerator> FindGenerators()
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
        var span = diagnostic.Location.GetLineSpan();
        return new SourceDiagnostic(
            diagnostic.Id,
            diagnostic.Severity.ToString().ToLowerInvariant(),
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture),
            span.StartLinePosition.Line + 1,
            span.StartLinePosition.Character + 1)
        {
            // Generated files are named by generator and hint name; the file name alone never carries a path of the node.
            File = string.IsNullOrEmpty(span.Path) ? null : Path.GetFileName(span.Path),
        };
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
    : Exception($"The summoned source does not compile: {diagnostics.Count} error(s).")
{
    public IReadOnlyList<SourceDiagnostic> Diagnostics { get; } = diagnostics;
}
