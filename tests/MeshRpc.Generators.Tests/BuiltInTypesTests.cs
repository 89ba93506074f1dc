using System.Text.Json.Serialization;
using MeshRpc.Wire;

namespace MeshRpc.Generators.Tests;

public sealed class BuiltInTypesTests
{
    private static readonly Dictionary<Type, string> Keywords = new()
    {
        [typeof(bool)] = "bool", [typeof(byte)] = "byte", [typeof(sbyte)] = "sbyte", [typeof(short)] = "short", [typeof(ushort)] = "ushort",
        [typeof(int)] = "int", [typeof(uint)] = "uint", [typeof(long)] = "long", [typeof(ulong)] = "ulong", [typeof(float)] = "float",
        [typeof(double)] = "double", [typeof(decimal)] = "decimal", [typeof(char)] = "char", [typeof(string)] = "string",
    };

    private static readonly Type[] ProtocolTypes = [typeof(CallErrorData), typeof(StreamHandle), typeof(StreamBatch)];

    [Fact]
    public void GeneratorBuiltIns_AreExactlyTheRuntimesBuiltInJsonTypes()
    {
        // The attribute keeps its type only in metadata, so read the constructor argument.
        var runtime = typeof(MeshBuiltInJson).GetCustomAttributesData()
            .Where(a => a.AttributeType == typeof(JsonSerializableAttribute))
            .Select(a => (Type)a.ConstructorArguments[0].Value!)
            .ToList();

        var userVisible = runtime.Except(ProtocolTypes).Select(Display).ToHashSet();

        Assert.Equal(userVisible.Order(StringComparer.Ordinal), BuiltInTypes.Names.Order(StringComparer.Ordinal));
    }

    private static string Display(Type type) => type switch
    {
        _ when Keywords.TryGetValue(type, out var keyword) => keyword,
        { IsArray: true } => Display(type.GetElementType()!) + "[]",
        _ when Nullable.GetUnderlyingType(type) is { } underlying => Display(underlying) + "?",
        { IsGenericType: true } => $"global::{type.Namespace}.{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(Display))}>",
        _ => "global::" + type.FullName,
    };
}
