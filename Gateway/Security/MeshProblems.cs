using MeshRpc.ControlPlane;

namespace MeshRpc.Gateway.Security;

/// <summary>The gateway's error replies: problem+json (<see cref="MeshError"/>) with the stable code of MeshErrorCodes and a detail that says what to do.</summary>
public static class MeshProblems
{
    /// <summary>A problem+json reply; its status is the code's own (<see cref="MeshErrorCodes.All"/>) unless <paramref name="status"/> is given.</summary>
    public static IResult Of(string code, string detail, int? status = null, IReadOnlyList<SourceDiagnostic>? diagnostics = null)
    {
        var error = MeshError.Of(code, detail, status, diagnostics);
        return Results.Json(error, ControlPlaneJsonContext.Default.MeshError, MeshError.MediaType, error.Status);
    }
}
