using System.Text.Json;

namespace MeshRpc.Hosting.Calls;

/// <summary>A request's id as the caller sent it: a number (MeshRpc's callers) or a string (JSON-RPC allows both).</summary>
internal readonly record struct RequestKey(long Number, string? Text)
{
    public void Write(Utf8JsonWriter writer)
    {
        if (Text is null)
        {
            writer.WriteNumber("id"u8, Number);
        }
        else
        {
            writer.WriteString("id"u8, Text);
        }
    }

    public static RequestKey? Read(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number when reader.TryGetInt64(out var number) => new RequestKey(number, null),
        JsonTokenType.String => new RequestKey(0, reader.GetString()),
        _ => null,
    };
}

/// <summary>The members of one request, read in place from its frame in whatever order they come.</summary>
internal ref struct ParsedRequest
{
    // Longer method names are looked up as strings (none of a contract's is, in practice).
    private const int MaxLookedUpNameLength = 256;

    public RequestKey? Id;

    /// <summary>The method's name: the served method's own string when it is one (no string made per request).</summary>
    public string? Method;

    /// <summary>The method served under that name, if any.</summary>
    public ServedMethod? Served;
    /// <summary>Where the <c>params</c> value starts in the frame, and its length; 0 when there is none (or it is null).</summary>
    public int ArgumentsStart;
    public int ArgumentsLength;
    public string? TraceParent;
    public string? TraceState;
    public int? TimeoutMs;
    public RequestKey? CancelledId;

    public static ParsedRequest Parse(ReadOnlySpan<byte> frame, Dictionary<string, ServedMethod>.AlternateLookup<ReadOnlySpan<char>> methods)
    {
        var request = default(ParsedRequest);
        var reader = new Utf8JsonReader(frame);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                request.Id = RequestKey.Read(ref reader);
            }
            else if (reader.ValueTextEquals("method"u8))
            {
                reader.Read();
                request.ReadMethod(ref reader, methods);
            }
            else if (reader.ValueTextEquals("params"u8))
            {
                reader.Read();
                request.CancelledId = CancelledIdIn(reader);
                if (reader.TokenType != JsonTokenType.Null)
                {
                    request.ArgumentsStart = (int)reader.TokenStartIndex;
                    reader.Skip();
                    request.ArgumentsLength = (int)reader.BytesConsumed - request.ArgumentsStart;
                }
            }
            else if (reader.ValueTextEquals("traceparent"u8))
            {
                reader.Read();
                request.TraceParent = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("tracestate"u8))
            {
                reader.Read();
                request.TraceState = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("timeoutMs"u8))
            {
                reader.Read();
                request.TimeoutMs = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var ms) && ms > 0 ? ms : null;
            }
            else
            {
                reader.Read();
            }

            reader.Skip();
        }

        return request;
    }

    private void ReadMethod(ref Utf8JsonReader reader, Dictionary<string, ServedMethod>.AlternateLookup<ReadOnlySpan<char>> methods)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return;
        }

        var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (length <= MaxLookedUpNameLength)
        {
            Span<char> name = stackalloc char[MaxLookedUpNameLength];
            if (methods.TryGetValue(name[..reader.CopyString(name)], out var served, out var value))
            {
                Method = served;
                Served = value;
                return;
            }
        }

        Method = reader.GetString();
    }

    // $/cancelRequest's params: {"id": n}.
    private static RequestKey? CancelledIdIn(Utf8JsonReader parameters)
    {
        if (parameters.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        while (parameters.Read() && parameters.TokenType == JsonTokenType.PropertyName)
        {
            var isId = parameters.ValueTextEquals("id"u8);
            parameters.Read();
            if (isId)
            {
                return RequestKey.Read(ref parameters);
            }

            parameters.Skip();
        }

        return null;
    }
}
