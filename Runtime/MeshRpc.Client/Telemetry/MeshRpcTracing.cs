using MeshRpc.Telemetry;

namespace OpenTelemetry.Trace;

/// <summary>MeshRpc's spans in an OpenTelemetry tracer: caller, gateway, agent and worker alike.</summary>
public static class MeshRpcTracing
{
    /// <summary>Adds every MeshRpc <see cref="System.Diagnostics.ActivitySource"/> (<c>MeshRpc.*</c>) to the tracer.</summary>
    public static TracerProviderBuilder AddMeshRpcInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource(MeshTelemetry.All);
    }
}
