using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace MeshRpc.Gateway.Security;

/// <summary>The gateway's problem+json replies: status, title, the stable <c>code</c> of MeshErrorCodes, and a detail that says what to do.</summary>
public static class MeshProblems
{
    /// <summary>A problem+json reply.</summary>
    public static ProblemHttpResult Of(int status, string title, string code, string detail) => TypedResults.Problem(new ProblemDetails
    {
        Status = status,
        Title = title,
        Detail = detail,
        Type = "urn:meshrpc:error:" + code,
        Extensions = { ["code"] = code },
    });
}
