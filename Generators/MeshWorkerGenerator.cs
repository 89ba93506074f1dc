using System.Collections.Generic;
using System.Linq;
using MeshRpc.Generators.Model;
using MeshRpc.Generators.TypeScript;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MeshRpc.Generators;

/// <summary>
/// Emits a contract hash and (as the project's references allow) ghost proxy and dispatcher for every [MeshWorker]
/// interface. Its TypeScript stub comes from the same parser after compiling (<see cref="StubFiles"/>).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class MeshWorkerGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps, for incremental-caching tests.</summary>
    public static class Steps
    {
        /// <summary>Parsed contracts and their diagnostics.</summary>
        public const string Parse = nameof(Parse);

        /// <summary>Contracts without errors, ready to emit.</summary>
        public const string Contracts = nameof(Contracts);

        /// <summary>Which ends of the contracts the compilation generates.</summary>
        public const string Roles = nameof(Roles);

        /// <summary>Whether the project lets types without JSON metadata serialize by reflection.</summary>
        public const string ReflectionJson = nameof(ReflectionJson);

        /// <summary>The page diagnostics link to.</summary>
        public const string HelpPage = nameof(HelpPage);
    }

    /// <summary>
    /// The MSBuild property (made visible to the compiler by MeshRpc's build targets) that lets contract types without
    /// JSON metadata serialize by reflection: the targets set it true unless the project is trimmed or NativeAOT.
    /// </summary>
    public const string ReflectionJsonProperty = "build_property.MeshRpcReflectionJson";

    /// <summary>The attribute that marks a contract.</summary>
    public const string AttributeName = "MeshRpc.MeshWorkerAttribute";

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeName,
                static (node, _) => node is InterfaceDeclarationSyntax,
                static (ctx, ct) => Parser.Parse((INamedTypeSymbol)ctx.TargetSymbol, ctx.Attributes[0], ct))
            .WithTrackingName(Steps.Parse);

        var reflectionJson = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => options.GlobalOptions.TryGetValue(ReflectionJsonProperty, out var value)
                && string.Equals(value, "true", System.StringComparison.OrdinalIgnoreCase))
            .WithTrackingName(Steps.ReflectionJson);
        var judged = parsed.Combine(reflectionJson);
        var helpPage = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => HelpPage.From(options.GlobalOptions.TryGetValue(HelpPage.Property, out var value) ? value : null))
            .WithTrackingName(Steps.HelpPage);

        context.RegisterSourceOutput(judged.SelectMany(static (pair, _) => Findings(pair.Left, pair.Right)).Combine(helpPage), static (spc, pair) =>
            spc.ReportDiagnostic(pair.Left.ToDiagnostic(pair.Right)));

        // A type without JSON metadata stops the contract unless the project allows reflection; then it serializes that way.
        var contracts = judged
            .Where(static pair => pair.Left.Model is not null && (pair.Right || pair.Left.JsonGaps.Count == 0))
            .Select(static (pair, _) => pair.Left.Model! with { ReflectionJson = pair.Left.JsonGaps.Count > 0 })
            .WithTrackingName(Steps.Contracts);

        var roles = context.CompilationProvider
            .Select(static (compilation, _) => ContractRolesExtensions.Of(compilation))
            .WithTrackingName(Steps.Roles);

        context.RegisterSourceOutput(contracts.Combine(roles), static (spc, pair) =>
        {
            var (contract, roles) = pair;
            spc.AddSource(contract.HintName, Emitter.Emit(contract, roles));
        });
    }

    // Errors as they are; types without JSON metadata as errors (MESH009), or as warnings (MESH012) where reflection may serialize them.
    private static IEnumerable<DiagnosticInfo> Findings(ParsedContract parsed, bool reflectionJson) =>
        parsed.Diagnostics.Concat(reflectionJson
            ? parsed.JsonGaps.Select(static gap => gap.As(DiagnosticDescriptors.ReflectionSerializedType))
            : parsed.JsonGaps);
}
