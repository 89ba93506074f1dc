using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace MeshRpc.Wire;

/// <summary>
/// JSON-RPC 2.0 over System.Text.Json with source-generated metadata only: no reflection, no dynamic code,
/// so ghost proxies run under NativeAOT. (StreamJsonRpc's own SystemTextJsonFormatter is not trim-safe.)
/// User data is read and written through <see cref="JsonSerializerOptions.TypeInfoResolver"/>, which must know every contract type.
/// </summary>
public sealed class MeshJsonFormatter : IJsonRpcMessageFormatter, IJsonRpcMessageFactory
{
    private readonly JsonSerializerOptions _options;

    /// <summary>Creates a formatter; <paramref name="options"/> must carry a type-info resolver for the contract's types.</summary>
    public MeshJsonFormatter(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.TypeInfoResolver is null)
        {
            throw new ArgumentException("The options need a TypeInfoResolver (a source-generated JsonSerializerContext).", nameof(options));
        }

        options.MakeReadOnly();
        _options = options;
    }

    /// <inheritdoc />
    public JsonRpcMessage Deserialize(ReadOnlySequence<byte> contentBuffer)
    {
        // The handler reuses its buffer as soon as this returns, while results and arguments are read later (on another
        // thread, under load). JsonDocument.Parse would keep pointing into a single-segment buffer; ParseValue copies.
        var reader = new Utf8JsonReader(contentBuffer);
        var root = JsonElement.ParseValue(ref reader);
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("A JSON-RPC message must be a JSON object.");
        }

        var id = root.TryGetProperty("id"u8, out var idElement) ? ReadRequestId(idElement) : RequestId.NotSpecified;
        JsonRpcMessage message;
        if (root.TryGetProperty("method"u8, out var method))
        {
            message = new InboundRequest(this, root.TryGetProperty("params"u8, out var parameters) ? parameters : null)
            {
                RequestId = id,
                Method = method.GetString(),

                // W3C trace context, as StreamJsonRpc's activity tracing strategy reads and writes it.
                TraceParent = root.TryGetProperty("traceparent"u8, out var traceParent) ? traceParent.GetString() : null,
                TraceState = root.TryGetProperty("tracestate"u8, out var traceState) ? traceState.GetString() : null,
                TimeoutMs = root.TryGetProperty("timeoutMs"u8, out var timeout) && timeout.TryGetInt32(out var ms) && ms > 0 ? ms : null,
            };
        }
        else if (root.TryGetProperty("result"u8, out var result))
        {
            message = new InboundResult(this, result) { RequestId = id };
        }
        else if (root.TryGetProperty("error"u8, out var error))
        {
            message = new JsonRpcError
            {
                RequestId = id,
                Error = new InboundErrorDetail(this, error.TryGetProperty("data"u8, out var data) ? data : null)
                {
                    Code = (JsonRpcErrorCode)error.GetProperty("code"u8).GetInt32(),
                    Message = error.TryGetProperty("message"u8, out var text) ? text.GetString() : null,
                },
            };
        }
        else
        {
            throw new JsonException("A JSON-RPC message needs 'method', 'result' or 'error'.");
        }

        message.Version = root.TryGetProperty("jsonrpc"u8, out var version) ? version.GetString() ?? "2.0" : "1.0";
        return message;
    }

    /// <inheritdoc />
    public void Serialize(IBufferWriter<byte> bufferWriter, JsonRpcMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var writer = new Utf8JsonWriter(bufferWriter);
        Write(writer, message);
    }

    /// <inheritdoc />
    public object GetJsonText(JsonRpcMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Serialize(buffer, message);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    JsonRpcRequest IJsonRpcMessageFactory.CreateRequestMessage() => new MeshRequest();

    JsonRpcError IJsonRpcMessageFactory.CreateErrorMessage() => new();

    JsonRpcResult IJsonRpcMessageFactory.CreateResultMessage() => new();

    private void Write(Utf8JsonWriter writer, JsonRpcMessage message)
    {
        writer.WriteStartObject();
        writer.WriteString("jsonrpc"u8, "2.0"u8);
        switch (message)
        {
            case JsonRpcRequest request:
                WriteId(writer, request.RequestId);
                writer.WriteString("method"u8, request.Method);
                WriteArguments(writer, request);
                if (request is MeshRequest { TimeoutMs: { } timeoutMs })
                {
                    writer.WriteNumber("timeoutMs"u8, timeoutMs);
                }

                if (request.TraceParent is { } traceParent)
                {
                    writer.WriteString("traceparent"u8, traceParent);
                    if (request.TraceState is { Length: > 0 } traceState)
                    {
                        writer.WriteString("tracestate"u8, traceState);
                    }
                }

                break;
            case JsonRpcResult result:
                WriteId(writer, result.RequestId);
                writer.WritePropertyName("result"u8);
                WriteValue(writer, result.Result, result.ResultDeclaredType);
                break;
            case JsonRpcError { Error: { } error } failure:
                WriteId(writer, failure.RequestId);
                writer.WriteStartObject("error"u8);
                writer.WriteNumber("code"u8, (int)error.Code);
                writer.WriteString("message"u8, error.Message);
                if (error.Data is not null)
                {
                    writer.WritePropertyName("data"u8);
                    WriteValue(writer, error.Data, null);
                }

                writer.WriteEndObject();
                break;
            default:
                throw new ArgumentException($"Cannot serialize a {message.GetType().Name}.", nameof(message));
        }

        writer.WriteEndObject();
    }

    private void WriteArguments(Utf8JsonWriter writer, JsonRpcRequest request)
    {
        if (request.ArgumentsList is { } list)
        {
            writer.WriteStartArray("params"u8);
            for (var i = 0; i < list.Count; i++)
            {
                WriteValue(writer, list[i], request.ArgumentListDeclaredTypes?[i]);
            }

            writer.WriteEndArray();
        }
        else if (request.NamedArguments is { } named)
        {
            writer.WriteStartObject("params"u8);
            foreach (var (name, value) in named)
            {
                writer.WritePropertyName(name);
                WriteValue(writer, value, request.NamedArgumentDeclaredTypes?.GetValueOrDefault(name));
            }

            writer.WriteEndObject();
        }
        else if (request.Arguments is not null)
        {
            throw new NotSupportedException("MeshRpc sends positional or named arguments only, never an argument object.");
        }
    }

    private void WriteValue(Utf8JsonWriter writer, object? value, Type? declaredType)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case RequestId id:
                WriteRequestId(writer, id);
                break;
            default:
                JsonSerializer.Serialize(writer, value, TypeInfo(declaredType ?? value.GetType()));
                break;
        }
    }

    private JsonTypeInfo TypeInfo(Type type) => MeshJson.TypeInfo(_options, type);

    private object? ReadValue(JsonElement element, Type type) =>
        type == typeof(RequestId) ? ReadRequestId(element) : element.Deserialize(TypeInfo(type));

    private static void WriteId(Utf8JsonWriter writer, RequestId id)
    {
        if (!id.IsEmpty)
        {
            writer.WritePropertyName("id"u8);
            WriteRequestId(writer, id);
        }
    }

    private static void WriteRequestId(Utf8JsonWriter writer, RequestId id)
    {
        if (id.Number is { } number)
        {
            writer.WriteNumberValue(number);
        }
        else if (id.String is { } text)
        {
            writer.WriteStringValue(text);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    private static RequestId ReadRequestId(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => new RequestId(element.GetInt64()),
        JsonValueKind.String => new RequestId(element.GetString()),
        JsonValueKind.Null => RequestId.Null,
        _ => throw new JsonException($"A JSON-RPC id must be a number, a string or null, not {element.ValueKind}."),
    };

    /// <summary>A request whose arguments stay JSON until the dispatcher says which types it needs.</summary>
    private sealed class InboundRequest(MeshJsonFormatter formatter, JsonElement? arguments) : MeshRequest
    {
        public override int ArgumentCount => arguments switch
        {
            { ValueKind: JsonValueKind.Array } array => array.GetArrayLength(),
            { ValueKind: JsonValueKind.Object } obj => obj.EnumerateObject().Count(),
            _ => 0,
        };

        public override bool ArgumentsAreNamed => arguments?.ValueKind == JsonValueKind.Object;

        public override IEnumerable<string>? ArgumentNames =>
            arguments?.ValueKind == JsonValueKind.Object ? arguments.Value.EnumerateObject().Select(p => p.Name) : null;

        public override bool TryGetArgumentByNameOrIndex(string? name, int position, Type? typeHint, out object? value)
        {
            value = null;
            JsonElement element;
            switch (arguments)
            {
                case { ValueKind: JsonValueKind.Object } obj when name is not null && obj.TryGetProperty(name, out element):
                    break;
                case { ValueKind: JsonValueKind.Array } array when position >= 0 && position < array.GetArrayLength():
                    element = array[position];
                    break;
                default:
                    return false;
            }

            if (typeHint is null)
            {
                value = element;
                return true;
            }

            try
            {
                value = formatter.ReadValue(element, typeHint);
                return true;
            }
            catch (JsonException)
            {
                // A value of the wrong shape is a parameter type mismatch: the caller gets "invalid params".
                return false;
            }
        }
    }

    /// <summary>A result that stays JSON until the caller says which type it expects.</summary>
    private sealed class InboundResult(MeshJsonFormatter formatter, JsonElement result) : JsonRpcResult
    {
        public override T GetResult<T>() => (T)formatter.ReadValue(result, typeof(T))!;

        protected override void SetExpectedResultType(Type resultType) => Result = formatter.ReadValue(result, resultType);
    }

    /// <summary>Error data that stays JSON until the caller says which type it expects.</summary>
    private sealed class InboundErrorDetail(MeshJsonFormatter formatter, JsonElement? data) : JsonRpcError.ErrorDetail
    {
        [return: MaybeNull]
        public override object? GetData(Type dataType)
        {
            ArgumentNullException.ThrowIfNull(dataType);
            if (data is not { ValueKind: not JsonValueKind.Null } json)
            {
                return null;
            }

            try
            {
                return formatter.ReadValue(json, dataType);
            }
            catch (Exception ex) when (ex is JsonException or NotSupportedException)
            {
                // Unreadable error data must not hide the error itself.
                return null;
            }
        }

        protected override void SetExpectedDataType(Type dataType) => Data = GetData(dataType);
    }
}
