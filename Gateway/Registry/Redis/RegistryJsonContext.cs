using System.Text.Json;
using System.Text.Json.Serialization;

namespace MeshRpc.Gateway.Registry.Redis;

/// <summary>How the registry's records are stored in Redis: source-generated, like every other JSON of the mesh.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(NodeState))]
[JsonSerializable(typeof(Placement))]
[JsonSerializable(typeof(EndedWorker))]
internal sealed partial class RegistryJsonContext : JsonSerializerContext;
