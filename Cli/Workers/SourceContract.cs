using MeshRpc.ControlPlane;
using MeshRpc.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace MeshRpc.Cli.Workers;

/// <summary>
/// Which contract a summoned source file serves, and its hash: the source carries its contract, and a summon must name
/// the contract's hash, which only the MeshRpc generator knows. So the source is compiled here as the worker host will
/// compile it (same generator, same implicit usings, same options), and the hash read from the generated code. Nothing
/// compiled here runs; the compilation that builds the worker happens in its sandbox.
/// </summary>
internal static class SourceContract
{
    /// <summary>The contract <paramref name="source"/> declares (the one named <paramref name="name"/> when it declares several), or why there is none.</summary>
    public static (MeshContract? Contract, string? Problem) Find(string source, string fileName, string? name)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create(
            "Summoned",
            [CSharpSyntaxTree.ParseText(source, parse, path: fileName), CSharpSyntaxTree.ParseText(SummonRules.SourceImplicitUsings, parse, path: "usings.cs")],
            References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new MeshWorkerGenerator().AsSourceGenerator()], parseOptions: parse, optionsProvider: JitProjectOptions.Instance);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var generated, out var diagnostics);

        var contracts = ContractClasses(generated.Assembly.GlobalNamespace).ToList();
        if (contracts.Count == 0)
        {
            var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(3).Select(Describe).ToList();
            return (null, errors.Count > 0
                ? $"{fileName}'s contract does not compile: {string.Join(" ", errors)}"
                : $"{fileName} declares no [MeshWorker] interface. A summoned source file carries its contract (the interface, marked [MeshWorker]) and a class implementing it.");
        }

        var matching = name is null ? contracts : contracts.Where(c => c.Names.Contains(name, StringComparer.Ordinal)).ToList();
        return matching.Count switch
        {
            1 => (MeshContract.ForWire(matching[0].WireName, matching[0].Hash), null),
            0 => (null, $"{fileName} declares no contract named '{name}'; it declares {string.Join(", ", contracts.Select(c => c.WireName))}."),
            _ => (null, $"{fileName} declares {matching.Count} contracts ({string.Join(", ", matching.Select(c => c.WireName))}); name one with --contract."),
        };
    }

    // The worker host compiles against its own assemblies; this tool's include the same MeshRpc and framework ones.
    private static IEnumerable<MetadataReference> References() =>
        ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(path => MetadataReference.CreateFromFile(path));

    // The generator emits, for each contract, a static class with the constants Name and Hash and a field Descriptor
    // of type MeshContract<TInterface>.
    private static IEnumerable<Found> ContractClasses(INamespaceOrTypeSymbol container)
    {
        foreach (var member in container.GetMembers().OfType<INamespaceOrTypeSymbol>())
        {
            if (member is INamedTypeSymbol { IsStatic: true } type
                && type.GetMembers("Descriptor").OfType<IFieldSymbol>().FirstOrDefault()?.Type is INamedTypeSymbol { TypeArguments: [INamedTypeSymbol contractInterface] } descriptor
                && descriptor.OriginalDefinition.ToDisplayString() == "MeshRpc.MeshContract<T>"
                && Constant(type, "Name") is { } wireName
                && Constant(type, "Hash") is { } hash)
            {
                yield return new Found(wireName, hash, [wireName, contractInterface.ToDisplayString(), contractInterface.Name]);
            }

            foreach (var found in ContractClasses(member))
            {
                yield return found;
            }
        }
    }

    private static string? Constant(INamedTypeSymbol type, string name) =>
        type.GetMembers(name).OfType<IFieldSymbol>().FirstOrDefault() is { HasConstantValue: true, ConstantValue: string value } ? value : null;

    private static string Describe(Diagnostic diagnostic)
    {
        var at = diagnostic.Location.GetLineSpan().StartLinePosition;
        return $"({at.Line + 1},{at.Character + 1}) {diagnostic.Id}: {diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
    }

    private sealed record Found(string WireName, string Hash, IReadOnlyList<string> Names);
}
