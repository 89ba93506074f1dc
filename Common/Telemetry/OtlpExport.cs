using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace MeshRpc.Telemetry;

/// <summary>
/// OTLP export of MeshRpc's, ASP.NET Core's and HttpClient's traces and metrics, and the logs, when the operator
/// configures it the standard way (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, then <c>OTEL_SERVICE_NAME</c>,
/// <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, ...); nothing, at no cost, otherwise. Shared source, compiled into UAH CORE and
/// the node agent: they share no library but the protocol's, which stays free of OpenTelemetry.
/// </summary>
internal static class OtlpExport
{
    /// <summary>Sets up the export when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; <paramref name="serviceName"/> unless <c>OTEL_SERVICE_NAME</c> names another.</summary>
    public static void AddOtlpExportWhenConfigured(this IHostApplicationBuilder builder, string serviceName)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing => tracing.AddSource(MeshTelemetry.All).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation())
            .WithMetrics(metrics => metrics.AddMeter(MeshTelemetry.All).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation())
            .WithLogging()
            .UseOtlpExporter();
    }
}
