using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MeshRpc.Wire;

namespace MeshRpc.Hosting;

/// <summary>
/// A request's positional arguments, read one by one in place from the request's bytes, each by the type generated
/// dispatch code asks for. Exists only while the request is being dispatched.
/// </summary>
public ref struct MeshArguments
{
    private readonly JsonSerializerOptions _json;
    private Utf8JsonReader _reader;

    internal MeshArguments(Utf8JsonReader reader, JsonSerializerOptions json)
    {
        _reader = reader;
        _json = json;
    }

    /// <summary>The next argument, as <typeparamref name="T"/>.</summary>
    public T Next<T>()
    {
        try
        {
            if (!_reader.Read() || _reader.TokenType == JsonTokenType.EndArray)
            {
                throw new InvalidArgumentsException("The request has fewer arguments than the method takes.");
            }

            return JsonSerializer.Deserialize(ref _reader, (JsonTypeInfo<T>)MeshJson.TypeInfo(_json, typeof(T)))!;
        }
        catch (JsonException ex)
        {
            throw new InvalidArgumentsException($"An argument is not a {typeof(T).Name}: {ex.Message}");
        }
    }

    /// <summary>How many arguments <paramref name="arguments"/> (standing on the request's <c>params</c>) holds; -1 when it is not an array.</summary>
    internal static int Count(Utf8JsonReader arguments)
    {
        if (arguments.TokenType != JsonTokenType.StartArray)
        {
            return -1;
        }

        var count = 0;
        while (arguments.Read() && arguments.TokenType != JsonTokenType.EndArray)
        {
            arguments.Skip();
            count++;
        }

        return count;
    }
}

/// <summary>A request's arguments do not fit its method: the caller gets JSON-RPC's "invalid params".</summary>
internal sealed class InvalidArgumentsException(string message) : Exception(message);
