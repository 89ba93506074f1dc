using System.Diagnostics;

namespace Quickstart;

/// <summary>
/// A trace per summon: the caller's spans and the trace context sent to the gateway, the agent and the worker. The
/// report names each trace's id, so its spans can be found where the mesh exports them (OTEL_EXPORTER_OTLP_ENDPOINT).
/// </summary>
internal static class QuickstartTracing
{
    private const string Name = "Quickstart";

    public static readonly ActivitySource Source = new(Name);

    /// <summary>Records the quick start's and MeshRpc's activities in this process, so traces exist and travel; dispose to stop.</summary>
    public static IDisposable Listen()
    {
        var listener = new ActivityListener
        {
            // By name: the listener may be asked about this class's source while the source is being made.
            ShouldListenTo = source => source.Name == Name || source.Name.StartsWith("MeshRpc.", StringComparison.Ordinal),
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
