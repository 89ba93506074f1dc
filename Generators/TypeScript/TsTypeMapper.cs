using System.Collections.Generic;
using System.Linq;
using MeshRpc.Generators.Model;
using Microsoft.CodeAnalysis;

namespace MeshRpc.Generators.TypeScript;

/// <summary>
/// Maps C# wire types to TypeScript as System.Text.Json writes them (web defaults: camelCase names, enums as numbers),
/// collecting the DTO and enum declarations they need, and a note for every shape JavaScript cannot carry faithfully.
/// </summary>
internal sealed class TsTypeMapper
{
    private readonly Dictionary<string, string> _declaredNames = new();
    private readonly List<TsDeclarationModel> _declarations = new();
    private readonly SortedSet<string> _notes = new(System.StringComparer.Ordinal);

    public EquatableArray<TsDeclarationModel> Declarations => _declarations.ToEquatableArray();

    public EquatableArray<string> Notes => _notes.ToEquatableArray();

    public string Map(ITypeSymbol type, string where)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullableValue)
        {
            return Nullable(Map(nullableValue.TypeArguments[0], where));
        }

        var mapped = MapNonNull(type, where);
        return type.IsReferenceType && type.NullableAnnotation == NullableAnnotation.Annotated ? Nullable(mapped) : mapped;
    }

    private static string Nullable(string mapped) => mapped.EndsWith(" | null", System.StringComparison.Ordinal) ? mapped : mapped + " | null";

    private string MapNonNull(ITypeSymbol type, string where)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean:
                return "boolean";
            case SpecialType.System_Byte or SpecialType.System_SByte or SpecialType.System_Int16 or SpecialType.System_UInt16
                or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Single or SpecialType.System_Double:
                return "number";
            case SpecialType.System_Int64 or SpecialType.System_UInt64:
                _notes.Add("64-bit integers (long, ulong) are JavaScript numbers here: values beyond +/-2^53 (9007199254740991) lose precision.");
                return "number";
            case SpecialType.System_Decimal:
                _notes.Add("decimal values are JavaScript numbers here: about 15 to 17 significant digits survive, not decimal's 28.");
                return "number";
            case SpecialType.System_Char or SpecialType.System_String:
                return "string";
            case SpecialType.System_DateTime:
                return "MeshRpc.DateTimeText";
            case SpecialType.System_Object:
                _notes.Add($"{where} is object: any JSON can arrive, so the stub types it as unknown.");
                return "unknown";
        }

        if (type is IArrayTypeSymbol array)
        {
            return array.ElementType.SpecialType == SpecialType.System_Byte ? "MeshRpc.Base64" : ArrayOf(Map(array.ElementType, where));
        }

        if (type is not INamedTypeSymbol named)
        {
            return Unsupported(type, where, "it is not a named type");
        }

        switch (named.ToDisplayString())
        {
            case "System.Guid":
                return "MeshRpc.Guid";
            case "System.DateTimeOffset" or "System.DateOnly" or "System.TimeOnly":
                return "MeshRpc.DateTimeText";
            case "System.TimeSpan":
                return "MeshRpc.TimeSpanText";
            case "System.Uri":
                return "string";
            case "System.Text.Json.JsonElement" or "System.Text.Json.Nodes.JsonNode":
                return "unknown";
        }

        if (named.TypeKind == TypeKind.Enum)
        {
            return DeclareEnum(named);
        }

        if (ElementOfDictionary(named) is { } dictionary)
        {
            if (dictionary.Key.SpecialType != SpecialType.System_String)
            {
                _notes.Add($"{where}: dictionary keys of type {dictionary.Key.ToDisplayString()} travel as JSON object keys, so the stub sees them as strings.");
            }

            return "{ [key: string]: " + Map(dictionary.Value, where) + " }";
        }

        if (ElementOfCollection(named) is { } element)
        {
            return ArrayOf(Map(element, where));
        }

        if (named.IsTupleType)
        {
            return Unsupported(type, where, "System.Text.Json writes tuples without their fields");
        }

        if (named.TypeKind is TypeKind.Class or TypeKind.Struct or TypeKind.Interface)
        {
            return DeclareInterface(named, where);
        }

        return Unsupported(type, where, "it has no JSON shape the stub knows");
    }

    /// <summary>The type's name without a nullable annotation: Ticket and Ticket? are one declaration.</summary>
    private static string KeyOf(ITypeSymbol type) => type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString();

    private static string ArrayOf(string element) => element.Contains(" ") ? "(" + element + ")[]" : element + "[]";

    private string Unsupported(ITypeSymbol type, string where, string why)
    {
        _notes.Add($"{where} uses {type.ToDisplayString()}, which the stub cannot express ({why}); it is typed unknown.");
        return "unknown";
    }

    private static (ITypeSymbol Key, ITypeSymbol Value)? ElementOfDictionary(INamedTypeSymbol type)
    {
        foreach (var candidate in new[] { type }.Concat(type.AllInterfaces))
        {
            if (candidate.IsGenericType && candidate.ConstructedFrom.ToDisplayString() is "System.Collections.Generic.IDictionary<TKey, TValue>"
                or "System.Collections.Generic.IReadOnlyDictionary<TKey, TValue>")
            {
                return (candidate.TypeArguments[0], candidate.TypeArguments[1]);
            }
        }

        return null;
    }

    private static ITypeSymbol? ElementOfCollection(INamedTypeSymbol type)
    {
        if (type.SpecialType == SpecialType.System_String)
        {
            return null;
        }

        foreach (var candidate in new[] { type }.Concat(type.AllInterfaces))
        {
            if (candidate.IsGenericType && candidate.ConstructedFrom.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)
            {
                return candidate.TypeArguments[0];
            }
        }

        return null;
    }

    private string DeclareEnum(INamedTypeSymbol type)
    {
        var key = KeyOf(type);
        if (_declaredNames.TryGetValue(key, out var existing))
        {
            return existing;
        }

        var name = ReserveName(type, key);
        var asStrings = type.GetAttributes().Any(a => a.AttributeClass?.Name.StartsWith("JsonStringEnumConverter", System.StringComparison.Ordinal) == true
            || (a.AttributeClass?.Name == "JsonConverterAttribute" && a.ConstructorArguments.FirstOrDefault().Value is ITypeSymbol converter
                && converter.Name.StartsWith("JsonStringEnumConverter", System.StringComparison.Ordinal)));
        var members = type.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue).Select(f =>
            new TsMemberModel(f.Name, asStrings ? JsNames.Quote(f.Name) : System.Convert.ToString(f.ConstantValue, System.Globalization.CultureInfo.InvariantCulture)!, false));
        _declarations.Add(new TsDeclarationModel(name, true, key, members.ToEquatableArray()));
        return name;
    }

    private string DeclareInterface(INamedTypeSymbol type, string where)
    {
        var key = KeyOf(type);
        if (_declaredNames.TryGetValue(key, out var existing))
        {
            return existing;
        }

        var name = ReserveName(type, key);
        if (type.IsAbstract || type.TypeKind == TypeKind.Interface)
        {
            _notes.Add($"{where} uses {key}, which is abstract: the stub declares only its own properties; a derived type's extra properties arrive untyped.");
        }

        var members = new List<TsMemberModel>();
        var index = _declarations.Count;
        _declarations.Add(new TsDeclarationModel(name, false, key, default));
        foreach (var member in WireMembers(type))
        {
            var memberType = member is IPropertySymbol property ? property.Type : ((IFieldSymbol)member).Type;

            // [JsonIgnore(Condition = WhenWritingDefault or WhenWritingNull)] lets the worker leave the property out.
            var optional = IgnoreCondition(member) is 2 or 3;
            var wireName = Attribute(member, "JsonPropertyNameAttribute")?.ConstructorArguments.FirstOrDefault().Value as string ?? JsNames.CamelCase(member.Name);
            members.Add(new TsMemberModel(wireName, Map(memberType, key + "." + member.Name), optional));
        }

        _declarations[index] = _declarations[index] with { Members = members.ToEquatableArray() };
        return name;
    }

    /// <summary>Public instance properties and [JsonInclude] fields, base types first, as System.Text.Json orders them; [JsonIgnore] (always) left out.</summary>
    private static IEnumerable<ISymbol> WireMembers(INamedTypeSymbol type)
    {
        var chain = new List<INamedTypeSymbol>();
        for (var t = type; t is not null && t.SpecialType != SpecialType.System_Object && t.SpecialType != SpecialType.System_ValueType; t = t.BaseType)
        {
            chain.Insert(0, t);
        }

        var seen = new HashSet<string>();
        foreach (var t in chain.Concat(type.TypeKind == TypeKind.Interface ? type.AllInterfaces : Enumerable.Empty<INamedTypeSymbol>()))
        {
            foreach (var member in t.GetMembers())
            {
                var included = member switch
                {
                    IPropertySymbol p => p.DeclaredAccessibility == Accessibility.Public && !p.IsStatic && !p.IsIndexer && p.GetMethod is not null,
                    IFieldSymbol f => !f.IsStatic && !f.IsImplicitlyDeclared && Attribute(f, "JsonIncludeAttribute") is not null,
                    _ => false,
                };
                if (included && IgnoreCondition(member) != 1 && seen.Add(member.Name))
                {
                    yield return member;
                }
            }
        }
    }

    /// <summary>The member's JsonIgnoreCondition as a number (1 = Always, also plain [JsonIgnore]), or null without the attribute.</summary>
    private static int? IgnoreCondition(ISymbol member) => Attribute(member, "JsonIgnoreAttribute") is { } ignore
        ? ignore.NamedArguments.FirstOrDefault(a => a.Key == "Condition").Value.Value as int? ?? 1
        : null;

    private static AttributeData? Attribute(ISymbol symbol, string name) =>
        symbol.GetAttributes().FirstOrDefault(a => a.AttributeClass?.Name == name);

    private string ReserveName(INamedTypeSymbol type, string key)
    {
        var baseName = JsNames.Identifier(type.IsGenericType
            ? type.Name + "Of" + string.Join("And", type.TypeArguments.Select(a => a.Name))
            : type.Name);
        var name = baseName;
        for (var i = 2; _declaredNames.ContainsValue(name); i++)
        {
            name = baseName + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        _declaredNames.Add(key, name);
        return name;
    }
}
