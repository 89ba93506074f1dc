using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MeshRpc.Wire;

/// <summary>The JSON both ends of the data plane read and write a contract's values with, so they cannot drift apart.</summary>
public static class MeshJson
{
    /// <summary>Serializer options for a contract: its own JSON context (if any) first, then MeshRpc's built-in types.</summary>
    public static JsonSerializerOptions CreateOptions(IJsonTypeInfoResolver? contractTypes)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = contractTypes is null ? MeshBuiltInJson.Default : JsonTypeInfoResolver.Combine(contractTypes, MeshBuiltInJson.Default),
        };
        options.MakeReadOnly();
        return options;
    }

    /// <summary>The metadata <paramref name="options"/> hold for <paramref name="type"/>; says how to add it when they hold none.</summary>
    public static JsonTypeInfo TypeInfo(JsonSerializerOptions options, Type type)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.TryGetTypeInfo(type, out var info))
        {
            return info;
        }

        throw new NotSupportedException(
            $"MeshRpc has no JSON metadata for {type.FullName}. Add [JsonSerializable(typeof({type.Name}))] to the contract's JSON context " +
            "and name it in [MeshWorker(JsonContext = typeof(...))].");
    }
}
