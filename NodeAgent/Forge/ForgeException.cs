namespace MeshRpc.NodeAgent.Forge;

/// <summary>A forge failed; <see cref="Code"/> is one of <see cref="ControlPlane.MeshErrorCodes"/>.</summary>
public sealed class ForgeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ForgeException(string code, string message, Exception? innerException = null)
        : base(message, innerException) => Code = code;

    /// <summary>The stable error code.</summary>
    public string Code { get; }
}
