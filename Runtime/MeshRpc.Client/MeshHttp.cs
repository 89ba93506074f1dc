using MeshRpc.ControlPlane;
using Refit;

namespace MeshRpc;

/// <summary>The caller's Refit client of the gateway, with the control plane's source-generated JSON.</summary>
internal static class MeshHttp
{
    private static readonly RefitSettings Settings = new(new SystemTextJsonContentSerializer(ControlPlaneJsonContext.Default.Options));

    /// <summary>A gateway client over <paramref name="http"/> (whose BaseAddress is the gateway).</summary>
    public static IUahCoreApi Gateway(HttpClient http) => RestService.ForGenerated<IUahCoreApi>(http, Settings);
}
