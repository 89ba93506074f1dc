using MeshRpc.Generators.Model;
using MeshRpc.Generators.TypeScript;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MeshRpc.Generators;

/// <summary>Emits a contract hash, TypeScript stub and (as the project's references allow) ghost proxy and dispatcher for every [MeshWorker] interface.</summary>
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
    }

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                "MeshRpc.MeshWorkerAttribute",
                static (node, _) => node is InterfaceDeclarationSyntax,
                static (ctx, ct) => Parser.Parse((INamedTypeSymbol)ctx.TargetSymbol, ctx.Attributes[0], ct))
            .WithTrackingName(Steps.Parse);

        context.RegisterSourceOutput(parsed.SelectMany(static (p, _) => p.Diagnostics), static (spc, diagnostic) =>
            spc.ReportDiagnostic(diagnostic.ToDiagnostic()));

        var contracts = parsed
            .Where(static p => p.Model is not null)
            .Select(static (p, _) => p.Model!)
            .WithTrackingName(Steps.Contracts);

        var roles = context.CompilationProvider
            .Select(static (compilation, _) => ContractRolesExtensions.Of(compilation))
            .WithTrackingName(Steps.Roles);

        context.RegisterSourceOutput(contracts.Combine(roles), static (spc, pair) =>
        {
            var (contract, roles) = pair;
            spc.AddSource(contract.HintName, Emitter.Emit(contract, roles));
            spc.AddSource(contract.HintName.Replace(".MeshRpc.g.cs", ".MeshRpc.ts.g.cs"), TypeScriptEmitter.EmitCarrier(contract));
        });
    }
}
