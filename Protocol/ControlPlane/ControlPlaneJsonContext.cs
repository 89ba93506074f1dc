using System.Text.Json;
using System.Text.Json.Serialization;

namespace MeshRpc.ControlPlane;

/// <summary>Source-generated JSON for every control-plane message, shared by gateway, agents and clients.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SpawnEphemeralRequest))]
[JsonSerializable(typeof(LxcProvisionRequest))]
[JsonSerializable(typeof(List<WorkerReport>))]
[JsonSerializable(typeof(SpawnEphemeralResponse))]
[JsonSerializable(typeof(ForgeRequest))]
[JsonSerializable(typeof(ForgeResponse))]
[JsonSerializable(typeof(MeshError))]
[JsonSerializable(typeof(NodeRegistration))]
[JsonSerializable(typeof(NodeRegistered))]
[JsonSerializable(typeof(NodeHeartbeat))]
[JsonSerializable(typeof(ServiceRegistry))]
[JsonSerializable(typeof(GemPublished))]
[JsonSerializable(typeof(List<GemPublished>))]
[JsonSerializable(typeof(GemManifest))]
[JsonSerializable(typeof(CapabilityTicket))]
[JsonSerializable(typeof(ApiKeyRequest))]
[JsonSerializable(typeof(WorkerLogLine))]
[JsonSerializable(typeof(DashboardSnapshot))]
[JsonSerializable(typeof(TicketKey))]
[JsonSerializable(typeof(List<TicketKey>))]
[JsonSerializable(typeof(List<WorkerLogLine>))]
[JsonSerializable(typeof(ApiKeyIssued))]
[JsonSerializable(typeof(HealthAnswer))]
[JsonSerializable(typeof(LifetimeRequest))]
[JsonSerializable(typeof(WorkerLifetime))]
public sealed partial class ControlPlaneJsonContext : JsonSerializerContext
{
}
