using System.Text.Json;
using MeshRpc.ControlPlane;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MeshRpc.Gateway.Health;

/// <summary>
/// <c>/healthz</c>: the process serves (liveness, no checks). <c>/readyz</c>: it can do its work (readiness: the gem store
/// takes writes, the ticket key is loaded, a node is live), 503 with what is wrong otherwise. Both anonymous, as load
/// balancers and orchestrators probe without credentials; the answers name no path and no secret.
/// </summary>
internal static class HealthEndpoints
{
    private const string Ready = "ready";

    public static IServiceCollection AddGatewayHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<GemStoreWritable>("gem-store", tags: [Ready])
            .AddCheck<TicketKeyLoaded>("ticket-key", tags: [Ready])
            .AddCheck<LiveNodes>("live-nodes", tags: [Ready]);
        return services;
    }

    public static void MapGatewayHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(Ready), ResponseWriter = WriteAsync }).AllowAnonymous();
    }

    /// <summary>Writes a health report as a <see cref="HealthAnswer"/>.</summary>
    public static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        var answer = new HealthAnswer(report.Status.ToString(), [.. report.Entries.Select(e => new HealthCheckAnswer(e.Key, e.Value.Status.ToString(), e.Value.Description))]);
        return JsonSerializer.SerializeAsync(http.Response.Body, answer, ControlPlaneJsonContext.Default.HealthAnswer, http.RequestAborted);
    }
}
