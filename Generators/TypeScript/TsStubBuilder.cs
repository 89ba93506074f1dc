using System.Collections.Generic;
using System.Linq;
using MeshRpc.Generators.Model;
using Microsoft.CodeAnalysis;

namespace MeshRpc.Generators.TypeScript;

/// <summary>
/// Builds a contract's TypeScript stub model from the same parsed methods the C# proxy is emitted from: names (wire and
/// JavaScript) come from the method model, so both emitters agree on overloads and the Async suffix.
/// </summary>
internal static class TsStubBuilder
{
    public static TsStubModel Build(string stubName, IReadOnlyList<(IMethodSymbol Symbol, MethodModel Model)> methods)
    {
        var types = new TsTypeMapper();
        var stubMethods = new List<TsMethodModel>();
        foreach (var (symbol, model) in methods)
        {
            var where = stubName + "." + symbol.Name;
            var parameters = symbol.Parameters.Where(p => !IsCancellationToken(p.Type)).Select(p => new TsParameterModel(
                JsNames.Parameter(p.Name),
                p.HasExplicitDefaultValue ? types.Map(p.Type, where) + " | undefined" : types.Map(p.Type, where),
                p.HasExplicitDefaultValue ? DefaultLiteral(p.Type, p.ExplicitDefaultValue, types, where) : null)).ToEquatableArray();
            var result = ResultType(symbol.ReturnType) is { } resultType ? types.Map(resultType, where) : "void";
            stubMethods.Add(new TsMethodModel(model.JsName, model.WireName, model.ReturnKind, result, parameters));
        }

        return new TsStubModel(stubName + ".ts", stubName, stubMethods.ToEquatableArray(), types.Declarations, types.Notes);
    }

    private static bool IsCancellationToken(ITypeSymbol type) => type.ToDisplayString() == "System.Threading.CancellationToken";

    private static ITypeSymbol? ResultType(ITypeSymbol returnType) =>
        returnType is INamedTypeSymbol { IsGenericType: true } named ? named.TypeArguments[0] : null;

    /// <summary>The JavaScript literal of a C# default; an enum default names its member, so it is right for numeric and string enums alike.</summary>
    private static string DefaultLiteral(ITypeSymbol type, object? value, TsTypeMapper types, string where)
    {
        var underlying = type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : type;
        if (value is not null && underlying.TypeKind == TypeKind.Enum
            && underlying.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, value)) is { } member)
        {
            return types.Map(underlying, where) + "." + member.Name;
        }

        return Literal(value);
    }

    private static string Literal(object? value) => value switch
    {
        null => "null",
        string text => JsNames.Quote(text),
        char c => JsNames.Quote(c.ToString()),
        bool b => b ? "true" : "false",
        System.IFormattable number => number.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => "null",
    };
}
