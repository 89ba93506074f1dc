using System.Collections.Generic;

namespace MeshRpc.Generators;

/// <summary>
/// Types every contract may use without a JSON context: exactly those in the runtime's MeshBuiltInJson
/// (Runtime/MeshRpc.Runtime/Wire/MeshBuiltInJson.cs); a test keeps the two lists equal.
/// Names are in <c>SymbolDisplayFormat.FullyQualifiedFormat</c>.
/// </summary>
internal static class BuiltInTypes
{
    public static readonly HashSet<string> Names = new()
    {
        "bool", "byte", "sbyte", "short", "ushort", "int", "uint", "long", "ulong", "float", "double", "decimal", "char", "string",
        "global::System.Guid", "global::System.DateTime", "global::System.DateTimeOffset", "global::System.TimeSpan",
        "global::System.DateOnly", "global::System.TimeOnly", "global::System.Uri", "byte[]", "global::System.Text.Json.JsonElement",
        "bool?", "int?", "long?", "double?", "decimal?", "global::System.Guid?", "global::System.DateTime?", "global::System.DateTimeOffset?", "global::System.TimeSpan?",
        "string[]", "int[]", "long[]", "double[]", "bool[]",
        "global::System.Collections.Generic.List<string>", "global::System.Collections.Generic.List<int>",
        "global::System.Collections.Generic.List<long>", "global::System.Collections.Generic.List<double>",
        "global::System.Collections.Generic.Dictionary<string, string>", "global::System.Collections.Generic.Dictionary<string, int>",
        "global::System.Collections.Generic.Dictionary<string, long>", "global::System.Collections.Generic.Dictionary<string, double>",
        "global::System.Collections.Generic.Dictionary<string, bool>",
    };
}
