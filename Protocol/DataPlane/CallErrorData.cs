using System.Text.Json.Serialization;

namespace MeshRpc.Wire;

/// <summary>
/// The <c>data</c> of the error reply to a call whose method threw: the exception's type and message, and with the
/// node's diagnostics on its stack and inner exceptions. The member names are StreamJsonRpc's <c>CommonErrorData</c>
/// (<c>type</c>, <c>message</c>, <c>stack</c>, <c>code</c>, <c>inner</c>), which the TypeScript runtime reads too.
/// </summary>
public sealed record CallErrorData
{
    /// <summary>The exception's type, by its full name.</summary>
    [JsonPropertyName("type")]
    public string? TypeName { get; init; }

    /// <summary>The exception's message.</summary>
    [JsonPropertyName("message")]
    public string? Message { get; init; }

    /// <summary>The exception's stack trace, with diagnostics on only.</summary>
    [JsonPropertyName("stack")]
    public string? StackTrace { get; init; }

    /// <summary>The exception's HRESULT.</summary>
    [JsonPropertyName("code")]
    public int HResult { get; init; }

    /// <summary>The inner exception's data, with diagnostics on only.</summary>
    [JsonPropertyName("inner")]
    public CallErrorData? Inner { get; init; }

    /// <summary>
    /// Describes <paramref name="failure"/>: its type and message, as a contract's callers see them; its stack and inner
    /// exceptions (which name source paths and internals) only with <paramref name="diagnostics"/>.
    /// </summary>
    public static CallErrorData Describe(Exception failure, bool diagnostics)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return new CallErrorData
        {
            TypeName = failure.GetType().FullName,
            Message = failure.Message,
            HResult = failure.HResult,
            StackTrace = diagnostics ? failure.StackTrace : null,
            Inner = diagnostics && failure.InnerException is { } inner ? Describe(inner, diagnostics) : null,
        };
    }
}
