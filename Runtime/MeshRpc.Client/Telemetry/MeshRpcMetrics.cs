using MeshRpc.Telemetry;

namespace OpenTelemetry.Metrics;

/// <summary>MeshRpc's metrics in an OpenTelemetry meter provider: caller, gateway, agent and worker alike.</summary>
public static class MeshRpcMetrics
{
    /// <summary>Adds every MeshRpc <see cref="System.Diagnostics.Metrics.Meter"/> (<c>MeshRpc.*</c>) to the meter provider.</summary>
    public static MeterProviderBuilder AddMeshRpcInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(MeshTelemetry.All);
    }
}
