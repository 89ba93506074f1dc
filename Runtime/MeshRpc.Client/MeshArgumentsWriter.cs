using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MeshRpc.Wire;

namespace MeshRpc;

/// <summary>Writes one call's arguments into its request's <c>params</c> array. Called by generated ghost proxies.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct MeshArgumentsWriter
{
    private readonly Utf8JsonWriter _writer;
    private readonly JsonSerializerOptions _json;

    internal MeshArgumentsWriter(Utf8JsonWriter writer, JsonSerializerOptions json)
    {
        _writer = writer;
        _json = json;
    }

    /// <summary>The body of a call without arguments.</summary>
    internal static readonly MeshArgumentsBody<int> None = static (_, _) => { };

    /// <summary>Writes the next argument by the JSON metadata of its declared type, as the worker reads it.</summary>
    public void Write<T>(T value) => JsonSerializer.Serialize(_writer, value, (JsonTypeInfo<T>)MeshJson.TypeInfo(_json, typeof(T)));
}

/// <summary>
/// Writes a call's <paramref name="arguments"/> (a tuple of them, one value, or nothing) through <paramref name="writer"/>,
/// one <see cref="MeshArgumentsWriter.Write{T}"/> per parameter, in order. Generated ghost proxies pass a static lambda:
/// a call boxes nothing and allocates no argument array.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate void MeshArgumentsBody<TArguments>(MeshArgumentsWriter writer, TArguments arguments);
