namespace MeshRpc.NodeAgent.Forge;

/// <summary>A forge failed; <see cref="Code"/> is one of <see cref="ControlPlane.MeshErrorCodes"/>.</summary>
public sealed class ForgeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ForgeException(string code, string message, Exception? innerException = null, IReadOnlyList<SourceDiagnostic>? diagnostics = null)
        : base(message, innerException)
    {
        Code = code;
        Diagnostics = diagnostics;
    }

    /// <summary>The stable error code.</summary>
    public string Code { get; }

    /// <summary>Compiler errors, when summoned source did not compile.</summary>
    public IReadOnlyList<SourceDiagnostic>? Diagnostics { get; }
}
