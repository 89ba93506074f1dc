using MeshRpc.ControlPlane;

namespace MeshRpc.Gateway.Security;

/// <summary>The gateway's error replies: problem+json (<see cref="MeshError"/>) with the stable code of MeshErrorCodes and a detail that says what to do.</summary>
public static class MeshProblems
{
    /// <summary>A problem+json reply.</summary>
    public static IResult Of(int status, string code, string detail, IReadOnlyList<SourceDiagnostic>? diagnostics = null) =>
        Results.Json(MeshError.Of(code, status, detail, diagnostics), ControlPlaneJsonContext.Default.MeshError, MeshError.MediaType, status);
}
