using System.Text.Json;
using MeshRpc.ControlPlane;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MeshRpc.Health;

/// <summary>
/// <c>/healthz</c>: the process serves (liveness, no checks). <c>/readyz</c>: it can do its work (every check tagged
/// <see cref="Ready"/>), 503 with what is wrong otherwise, as a <see cref="HealthAnswer"/>. Both anonymous, as load
/// balancers and orchestrators probe without credentials; the answers name no path and no secret. Shared source,
/// compiled into UAH CORE and the node agent, which register their own checks.
/// </summary>
internal static class HealthProbes
{
    /// <summary>The tag of a readiness check.</summary>
    public const string Ready = "ready";

    /// <summary>Maps the two probes.</summary>
    public static void MapHealthProbes(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(Ready), ResponseWriter = WriteAsync }).AllowAnonymous();
    }

    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        var answer = new HealthAnswer(report.Status.ToString(), [.. report.Entries.Select(e => new HealthCheckAnswer(e.Key, e.Value.Status.ToString(), e.Value.Description))]);
        return JsonSerializer.SerializeAsync(http.Response.Body, answer, ControlPlaneJsonContext.Default.HealthAnswer, http.RequestAborted);
    }
}
