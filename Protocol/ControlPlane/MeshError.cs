using System.Text.Json;

namespace MeshRpc.ControlPlane;

/// <summary>
/// The error body of every MeshRpc HTTP endpoint, gateway and agent alike: problem+json (RFC 9457) with the stable
/// <see cref="Code"/> of <see cref="MeshErrorCodes"/> and a <see cref="Detail"/> that says what is wrong and how to fix it.
/// </summary>
public sealed record MeshError
{
    /// <summary>The media type of every MeshRpc error body.</summary>
    public const string MediaType = "application/problem+json";

    /// <summary>The problem type: <see cref="MeshErrorCodes.TypePrefix"/> and the code.</summary>
    public string Type => MeshErrorCodes.TypePrefix + Code;

    /// <summary>The code's short title.</summary>
    public required string Title { get; init; }

    /// <summary>The HTTP status.</summary>
    public required int Status { get; init; }

    /// <summary>What is wrong and how to fix it.</summary>
    public required string Detail { get; init; }

    /// <summary>One of <see cref="MeshErrorCodes"/>.</summary>
    public required string Code { get; init; }

    /// <summary>Compiler diagnostics, when summoned source did not compile.</summary>
    public IReadOnlyList<SourceDiagnostic>? Diagnostics { get; init; }

    /// <summary>
    /// The error for <paramref name="code"/>, the one way every MeshRpc endpoint makes one: its title and, unless
    /// <paramref name="status"/> says otherwise, its HTTP status come from <see cref="MeshErrorCodes.All"/>.
    /// </summary>
    public static MeshError Of(string code, string detail, int? status = null, IReadOnlyList<SourceDiagnostic>? diagnostics = null)
    {
        var kind = MeshErrorCodes.KindOf(code);
        return new() { Code = code, Title = kind.Title, Status = status ?? kind.Status, Detail = detail, Diagnostics = diagnostics };
    }

    /// <summary>The error in a failed response's body, or null when the body is not one (an empty body, a proxy's HTML page).</summary>
    public static MeshError? Parse(string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(body, ControlPlaneJsonContext.Default.MeshError);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
