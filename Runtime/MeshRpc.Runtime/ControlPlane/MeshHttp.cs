using System.Text.Json;
using Refit;

namespace MeshRpc.ControlPlane;

/// <summary>Builds the Refit clients of the control plane with the shared source-generated JSON settings.</summary>
public static class MeshHttp
{
    /// <summary>Refit settings using <see cref="ControlPlaneJsonContext"/>.</summary>
    public static RefitSettings Settings { get; } = new(new SystemTextJsonContentSerializer(ControlPlaneJsonContext.Default.Options));

    /// <summary>A gateway client over <paramref name="http"/> (whose BaseAddress is the gateway).</summary>
    public static IUahCoreApi Gateway(HttpClient http) => RestService.ForGenerated<IUahCoreApi>(http, Settings);

    /// <summary>A node agent client over <paramref name="http"/> (whose BaseAddress is the agent).</summary>
    public static INodeAgentApi NodeAgent(HttpClient http) => RestService.ForGenerated<INodeAgentApi>(http, Settings);

    /// <summary>Reads the <see cref="MeshError"/> in a failed response, if it has one.</summary>
    public static MeshError? ReadError(ApiException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (string.IsNullOrEmpty(exception.Content))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(exception.Content, ControlPlaneJsonContext.Default.MeshError);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
