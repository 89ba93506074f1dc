using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Security;

namespace MeshRpc.Gateway.Api;

/// <summary>A request the gateway cannot satisfy, with the error code and HTTP status to answer with.</summary>
public sealed class GatewayException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GatewayException(string code, string message, int? statusCode = null, Exception? innerException = null, IReadOnlyList<SourceDiagnostic>? diagnostics = null)
        : base(message, innerException)
    {
        Code = code;
        StatusCode = statusCode ?? MeshErrorCodes.KindOf(code).Status;
        Diagnostics = diagnostics;
    }

    /// <summary>Compiler errors, when summoned source did not compile.</summary>
    public IReadOnlyList<SourceDiagnostic>? Diagnostics { get; }

    /// <summary>One of <see cref="MeshErrorCodes"/>.</summary>
    public string Code { get; }

    /// <summary>The HTTP status to answer with: the code's own (<see cref="MeshErrorCodes.All"/>) unless the thrower chose another.</summary>
    public int StatusCode { get; }

    /// <summary>The error as an HTTP result.</summary>
    public IResult ToResult() => MeshProblems.Of(Code, Message, StatusCode, Diagnostics);
}
