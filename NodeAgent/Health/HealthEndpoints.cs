using System.Text.Json;
using MeshRpc.ControlPlane;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MeshRpc.NodeAgent.Health;

/// <summary>
/// <c>/healthz</c>: the agent serves (liveness, no checks). <c>/readyz</c>: it can take work (its sandbox provider can
/// start workers, its gateway accepts its heartbeats), 503 with what is wrong otherwise. The only endpoints open to
/// anyone, not only the gateway: an orchestrator probes without the gateway's certificate; the answers name no path.
/// </summary>
internal static class HealthEndpoints
{
    private const string Ready = "ready";

    public static IServiceCollection AddAgentHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<SandboxReady>("sandbox", tags: [Ready])
            .AddCheck<GatewayReachable>("gateway", tags: [Ready]);
        return services;
    }

    public static void MapAgentHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(Ready),
            ResponseWriter = static (http, report) =>
            {
                http.Response.ContentType = "application/json";
                var answer = new HealthAnswer(report.Status.ToString(), [.. report.Entries.Select(e => new HealthCheckAnswer(e.Key, e.Value.Status.ToString(), e.Value.Description))]);
                return JsonSerializer.SerializeAsync(http.Response.Body, answer, ControlPlaneJsonContext.Default.HealthAnswer, http.RequestAborted);
            },
        }).AllowAnonymous();
    }
}
