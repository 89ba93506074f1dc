using System.Collections.Generic;
using System.Linq;
using System.Threading;
using MeshRpc.Generators.Model;
using MeshRpc.Generators.TypeScript;
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

    private static readonly SymbolDisplayFormat ShortTypeFormat = SymbolDisplayFormat.MinimallyQualifiedFormat
        .RemoveMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>
    /// The contract's model and its errors; apart from them, <see cref="ParsedContract.JsonGaps"/> names each type that
    /// has no JSON metadata, which the pipeline reports as an error or, where the project allows reflection, a warning.
    /// </summary>
    public static ParsedContract Parse(INamedTypeSymbol contract, AttributeData attribute, CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var location = contract.Locations.FirstOrDefault();
        CheckShape(contract, location, diagnostics);
        var (jsonContext, jsonTypes) = ReadJsonContext(contract, attribute, location, diagnostics);

        var methods = new List<(IMethodSymbol Symbol, MethodModel Model)>();
        foreach (var member in ContractMembers(contract))
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (member)
            {
                case IMethodSymbol { MethodKind: MethodKind.Ordinary } method:
                    if (ParseMethod(method, contract, diagnostics) is { } model)
                    {
                        methods.Add((method, model));
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

        var named = NameOverloads(methods);
        CheckUnique(named, m => m.WireName, DiagnosticDescriptors.DuplicateWireName, diagnostics);
        CheckUnique(named, m => m.JsName, DiagnosticDescriptors.DuplicateJsName, diagnostics);
        var jsonGaps = new List<DiagnosticInfo>();
        foreach (var (symbol, model) in named)
        {
            CheckSerializable(symbol, model, jsonContext, jsonTypes, jsonGaps);
        }

        if (diagnostics.Count > 0)
        {
            return new ParsedContract(null, diagnostics.ToEquatableArray(), jsonGaps.ToEquatableArray());
        }

        var contractName = contract.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat.WithMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.None));
        var methodArray = named.Select(m => m.Model).ToEquatableArray();
        var baseName = FlatName(contract);
        return new ParsedContract(new ContractModel(
            Namespace: contract.ContainingNamespace.IsGlobalNamespace ? null : contract.ContainingNamespace.ToDisplayString(),
            InterfaceType: contract.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            ContractName: contractName,
            ProxyName: baseName + "GhostProxy",
            ContractClassName: baseName + "MeshContract",
            HintName: contractName.Replace('<', '_').Replace('>', '_') + ".MeshRpc.g.cs",
            Hash: ContractHasher.Hash(contractName, methodArray),
            JsonContextType: jsonContext?.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            Methods: methodArray,
            TypeScript: TsStubBuilder.Build(baseName, named),
            ReflectionJson: false), default, jsonGaps.ToEquatableArray());
    }

    private static void CheckShape(INamedTypeSymbol contract, Location? location, List<DiagnosticInfo> diagnostics)
    {
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
                return;
            }
        }
    }

    /// <summary>The contract's JSON context, if named, and the root types it declares with [JsonSerializable].</summary>
    private static (INamedTypeSymbol? Context, HashSet<string> Types) ReadJsonContext(
        INamedTypeSymbol contract, AttributeData attribute, Location? location, List<DiagnosticInfo> diagnostics)
    {
        var types = new HashSet<string>();
        var named = attribute.NamedArguments.FirstOrDefault(a => a.Key == "JsonContext").Value;
        if (named.Value is not INamedTypeSymbol context)
        {
            return (null, types);
        }

        var isContext = false;
        for (var type = context.BaseType; type is not null && !isContext; type = type.BaseType)
        {
            isContext = type.ToDisplayString() == "System.Text.Json.Serialization.JsonSerializerContext";
        }

        if (!isContext)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotAJsonContext, location, context.Name, contract.Name));
            return (null, types);
        }

        foreach (var serializable in context.GetAttributes())
        {
            if (serializable.AttributeClass?.ToDisplayString() == "System.Text.Json.Serialization.JsonSerializableAttribute"
                && serializable.ConstructorArguments.FirstOrDefault().Value is ITypeSymbol declared)
            {
                types.Add(declared.ToDisplayString(WireTypeFormat));
            }
        }

        return (context, types);
    }

    /// <summary>The interface's own members and those it inherits, except IAsyncDisposable's, which the proxy implements as teardown.</summary>
    private static IEnumerable<ISymbol> ContractMembers(INamedTypeSymbol contract) =>
        new[] { contract }.Concat(contract.AllInterfaces)
            .Where(i => i.ToDisplayString() is not ("System.IAsyncDisposable" or "System.IDisposable"))
            .SelectMany(i => i.GetMembers())
            .Where(m => m.IsAbstract && !m.IsStatic);

    private static MethodModel? ParseMethod(IMethodSymbol method, INamedTypeSymbol contract, List<DiagnosticInfo> diagnostics)
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

        var (kind, result) = ClassifyReturn(method.ReturnType);
        if (kind is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedReturnType, location, method.Name, method.ReturnType.ToDisplayString()));
            ok = false;
        }

        var explicitName = method.GetAttributes()
            .FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == "MeshRpc.MeshMethodAttribute")?
            .ConstructorArguments.FirstOrDefault().Value as string;
        if (explicitName is not null && (explicitName.Trim().Length == 0 || explicitName.StartsWith("mesh.", System.StringComparison.Ordinal) || explicitName.StartsWith("$/", System.StringComparison.Ordinal)))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidWireName, location, method.Name, explicitName));
            ok = false;
        }

        var timeoutMs = TimeoutOf(method) ?? TimeoutOf(method.ContainingType) ?? TimeoutOf(contract);
        if (timeoutMs is <= 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidTimeout, location, method.Name, timeoutMs.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
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
            WireName: explicitName ?? StripAsync(method.Name),
            JsName: JsNames.Member(JsNames.CamelCase(StripAsync(method.Name))),
            DeclaringInterface: method.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            ReturnKind: kind!.Value,
            ReturnType: method.ReturnType.ToDisplayString(TypeFormat),
            ResultType: result?.ToDisplayString(TypeFormat),
            WireResultType: kind == ReturnKind.AsyncEnumerable ? "stream:" + result!.ToDisplayString(WireTypeFormat) : result?.ToDisplayString(WireTypeFormat),
            Parameters: parameters)
        { TimeoutMs = timeoutMs };
    }

    // [MeshTimeout(ms)] on a method or an interface.
    private static int? TimeoutOf(ISymbol symbol) =>
        symbol.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == "MeshRpc.MeshTimeoutAttribute")?.ConstructorArguments.FirstOrDefault().Value as int?;

    /// <summary>
    /// Overloads sharing a name get their parameter types appended, e.g. <c>Add(int,int)</c> and <c>Add(long,long)</c>,
    /// and in TypeScript <c>add_int_int</c> and <c>add_long_long</c>: derived from the signature alone, so the names are
    /// the same in every build whatever the declaration order. <c>AddAsync(int)</c> and <c>Add(long)</c> are overloads too.
    /// </summary>
    private static List<(IMethodSymbol Symbol, MethodModel Model)> NameOverloads(List<(IMethodSymbol Symbol, MethodModel Model)> methods)
    {
        var overloaded = new HashSet<string>(methods
            .Where(m => !HasExplicitName(m.Symbol))
            .GroupBy(m => m.Model.WireName)
            .Where(g => g.Count() > 1)
            .Select(g => g.Key));
        return methods.Select(m =>
        {
            if (!overloaded.Contains(m.Model.WireName) || HasExplicitName(m.Symbol))
            {
                return m;
            }

            var signature = m.Symbol.Parameters
                .Where(p => p.Type.ToDisplayString() != "System.Threading.CancellationToken")
                .Select(p => p.Type.ToDisplayString(ShortTypeFormat))
                .ToList();
            return (m.Symbol, m.Model with
            {
                WireName = m.Model.WireName + "(" + string.Join(",", signature) + ")",
                JsName = JsNames.Member(JsNames.Identifier(m.Model.JsName + "_" + string.Join("_", signature))),
            });
        }).ToList();
    }

    private static bool HasExplicitName(IMethodSymbol method) =>
        method.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "MeshRpc.MeshMethodAttribute");

    /// <summary>Reports each method whose name under <paramref name="nameOf"/> (wire or JavaScript) another method already has.</summary>
    private static void CheckUnique(
        List<(IMethodSymbol Symbol, MethodModel Model)> methods, System.Func<MethodModel, string> nameOf, DiagnosticDescriptor duplicate, List<DiagnosticInfo> diagnostics)
    {
        var seen = new Dictionary<string, IMethodSymbol>();
        foreach (var (symbol, model) in methods)
        {
            var name = nameOf(model);
            if (seen.TryGetValue(name, out var other))
            {
                diagnostics.Add(DiagnosticInfo.Create(duplicate, symbol.Locations.FirstOrDefault(), other.Name, symbol.Name, name));
            }
            else
            {
                seen.Add(name, symbol);
            }
        }
    }

    private static void CheckSerializable(IMethodSymbol method, MethodModel model, INamedTypeSymbol? context, HashSet<string> declared, List<DiagnosticInfo> gaps)
    {
        var types = method.Parameters.Where(p => p.Type.ToDisplayString() != "System.Threading.CancellationToken").Select(p => p.Type).ToList();
        if (ClassifyReturn(method.ReturnType).Result is { } result)
        {
            types.Add(result);
        }

        foreach (var type in types)
        {
            var wire = type.ToDisplayString(WireTypeFormat);
            if (BuiltInTypes.Names.Contains(wire) || declared.Contains(wire))
            {
                continue;
            }

            var shortName = type.ToDisplayString(ShortTypeFormat);
            var fix = context is null
                ? $"Declare 'partial class ContractJson : JsonSerializerContext' with [JsonSerializable(typeof({shortName}))] and name it in [MeshWorker(JsonContext = typeof(ContractJson))]"
                : $"Add [JsonSerializable(typeof({shortName}))] to {context.Name}";
            gaps.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnserializableType, method.Locations.FirstOrDefault(), model.Name, shortName, fix));
        }
    }

    private static (ReturnKind? Kind, ITypeSymbol? Result) ClassifyReturn(ITypeSymbol returnType)
    {
        if (returnType.SpecialType == SpecialType.System_Void)
        {
            return (ReturnKind.Void, null);
        }

        if (returnType is not INamedTypeSymbol named)
        {
            return (null, null);
        }

        var ns = named.ContainingNamespace?.ToDisplayString();
        return (ns, named.MetadataName, named.TypeArguments.FirstOrDefault()) switch
        {
            ("System.Threading.Tasks", "Task", null) => (ReturnKind.Task, null),
            ("System.Threading.Tasks", "ValueTask", null) => (ReturnKind.ValueTask, null),
            ("System.Threading.Tasks", "Task`1", { } t) => (ReturnKind.TaskOfT, t),
            ("System.Threading.Tasks", "ValueTask`1", { } t) => (ReturnKind.ValueTaskOfT, t),
            ("System.Collections.Generic", "IAsyncEnumerable`1", { } t) => (ReturnKind.AsyncEnumerable, t),
            _ => (null, null),
        };
    }

    /// <summary>The wire name drops the conventional Async suffix, so JavaScript and C# callers share one name.</summary>
    private static string StripAsync(string methodName) =>
        methodName.Length > 5 && methodName.EndsWith("Async", System.StringComparison.Ordinal)
            ? methodName.Substring(0, methodName.Length - 5)
            : methodName;

    /// <summary>ICalculator becomes Calculator; nested types are prefixed by their containers.</summary>
    private static string FlatName(INamedTypeSymbol type)
    {
        var name = type.Name.Length > 1 && type.Name[0] == 'I' && char.IsUpper(type.Name[1]) ? type.Name.Substring(1) : type.Name;
        return type.ContainingType is { } outer ? FlatName(outer) + "_" + name : name;
    }
}
