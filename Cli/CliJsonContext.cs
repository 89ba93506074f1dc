using System.Text.Json;
using System.Text.Json.Serialization;
using MeshRpc.Cli.Workers;

namespace MeshRpc.Cli;

/// <summary>JSON metadata for what the tool prints itself (the gateway's own shapes come from <c>ControlPlaneJsonContext</c>).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SummonedWorker))]
[JsonSerializable(typeof(BuiltGem))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
