using System.Collections.Generic;
using System.Linq;
using System.Threading;
using MeshRpc.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace MeshRpc.Generators;

/// <summary>Turns a [MeshWorker] interface symbol into a <see cref="ContractModel"/>, or into diagnostics saying what to change.</summary>
internal static class Parser
{
    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    // The contract hash must not change with nullable annotations, which never reach the wire.
    private static readonly SymbolDisplayFormat WireTypeFormat = SymbolDisplayFormat.FullyQualifiedFormat;

    public static (ContractModel? Model, EquatableArray<DiagnosticInfo> Diagnostics) Parse(INamedTypeSymbol contract, CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var location = contract.Locations.FirstOrDefault();

        if (contract.IsGenericType)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GenericInterface, location, contract.Name));
        }

        for (var type = (INamedTypeSymbol?)contract; type is not null; type = type.ContainingType)
        {
            if (type.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InaccessibleInterface, location, contract.Name,
                    type.DeclaredAccessibility.ToString().ToLowerInvariant()));
                break;
            }
        }

        var methods = new List<MethodModel>();
        var wireNames = new Dictionary<string, IMethodSymbol>();
        foreach (var member in ContractMembers(contract))
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (member)
            {
                case IMethodSymbol { MethodKind: MethodKind.Ordinary } method:
                    if (ParseMethod(method, diagnostics) is { } methodModel)
                    {
                        if (wireNames.TryGetValue(methodModel.WireName, out var other))
                        {
                            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateWireName, method.Locations.FirstOrDefault(),
                                other.Name, method.Name, methodModel.WireName));
                        }
                        else
                        {
                            wireNames.Add(methodModel.WireName, method);
                            methods.Add(methodModel);
                        }
                    }

                    break;
                case IPropertySymbol property:
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedMember, property.Locations.FirstOrDefault(), property.Name, "property"));
                    break;
                case IEventSymbol @event:
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedMember, @event.Locations.FirstOrDefault(), @event.Name, "event"));
                    break;
            }
        }

        if (diagnostics.Count > 0)
        {
            return (null, diagnostics.ToEquatableArray());
        }

        var contractName = contract.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat.WithMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.None));
        var methodArray = methods.ToEquatableArray();
        var baseName = FlatName(contract);
        var model = new ContractModel(
            Namespace: contract.ContainingNamespace.IsGlobalNamespace ? null : contract.ContainingNamespace.ToDisplayString(),
            InterfaceType: contract.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            ContractName: contractName,
            ProxyName: baseName + "GhostProxy",
            ContractClassName: baseName + "MeshContract",
            HintName: contractName.Replace('<', '_').Replace('>', '_') + ".MeshRpc.g.cs",
            Hash: ContractHasher.Hash(contractName, methodArray),
            Methods: methodArray);
        return (model, default);
    }

    /// <summary>The interface's own members and those it inherits, except IAsyncDisposable's, which the proxy implements as teardown.</summary>
    private static IEnumerable<ISymbol> ContractMembers(INamedTypeSymbol contract)
    {
        IEnumerable<INamedTypeSymbol> interfaces = new[] { contract }.Concat(contract.AllInterfaces);
        return interfaces
            .Where(i => i.ToDisplayString() is not ("System.IAsyncDisposable" or "System.IDisposable"))
            .SelectMany(i => i.GetMembers())
            .Where(m => m.IsAbstract && !m.IsStatic);
    }

    private static MethodModel? ParseMethod(IMethodSymbol method, List<DiagnosticInfo> diagnostics)
    {
        var location = method.Locations.FirstOrDefault();
        var ok = true;
        if (method.IsGenericMethod)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GenericMethod, location, method.Name));
            ok = false;
        }

        foreach (var parameter in method.Parameters.Where(p => p.RefKind != RefKind.None))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ByRefParameter, parameter.Locations.FirstOrDefault() ?? location, method.Name, parameter.Name));
            ok = false;
        }

        var (kind, resultType, wireResultType) = ClassifyReturn(method.ReturnType);
        if (kind is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedReturnType, location, method.Name, method.ReturnType.ToDisplayString()));
            ok = false;
        }

        if (!ok)
        {
            return null;
        }

        var parameters = method.Parameters.Select(p => new ParameterModel(
            Name: SyntaxFacts.GetKeywordKind(p.Name) == SyntaxKind.None ? p.Name : "@" + p.Name,
            Type: p.Type.ToDisplayString(TypeFormat),
            WireType: p.Type.ToDisplayString(WireTypeFormat),
            IsCancellationToken: p.Type.ToDisplayString() == "System.Threading.CancellationToken")).ToEquatableArray();

        return new MethodModel(
            Name: method.Name,
            WireName: WireName(method.Name),
            DeclaringInterface: method.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            ReturnKind: kind!.Value,
            ReturnType: method.ReturnType.ToDisplayString(TypeFormat),
            ResultType: resultType,
            WireResultType: wireResultType,
            Parameters: parameters);
    }

    private static (ReturnKind? Kind, string? ResultType, string? WireResultType) ClassifyReturn(ITypeSymbol returnType)
    {
        if (returnType is not INamedTypeSymbol named || named.ContainingNamespace?.ToDisplayString() != "System.Threading.Tasks")
        {
            return (null, null, null);
        }

        return (named.MetadataName, named.TypeArguments.FirstOrDefault()) switch
        {
            ("Task", null) => (ReturnKind.Task, null, null),
            ("ValueTask", null) => (ReturnKind.ValueTask, null, null),
            ("Task`1", { } t) => (ReturnKind.TaskOfT, t.ToDisplayString(TypeFormat), t.ToDisplayString(WireTypeFormat)),
            ("ValueTask`1", { } t) => (ReturnKind.ValueTaskOfT, t.ToDisplayString(TypeFormat), t.ToDisplayString(WireTypeFormat)),
            _ => (null, null, null),
        };
    }

    /// <summary>The wire name drops the conventional Async suffix, so JavaScript and C# callers share one name.</summary>
    private static string WireName(string methodName) =>
        methodName.Length > 5 && methodName.EndsWith("Async", System.StringComparison.Ordinal)
            ? methodName.Substring(0, methodName.Length - 5)
            : methodName;

    /// <summary>ICalculator becomes Calculator; nested types are prefixed by their containers.</summary>
    private static string FlatName(INamedTypeSymbol type)
    {
        var name = type.Name.Length > 1 && type.Name[0] == 'I' && char.IsUpper(type.Name[1]) ? type.Name.Substring(1) : type.Name;
        return type.ContainingType is { } outer ? outer.Name + "_" + name : name;
    }
}
