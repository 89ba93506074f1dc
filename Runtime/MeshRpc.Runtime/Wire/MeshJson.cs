using System.Text.Json;
using StreamJsonRpc;

namespace MeshRpc.Wire;

/// <summary>Builds the JSON-RPC stack both ends of the data plane use, so they cannot drift apart.</summary>
public static class MeshJson
{
    /// <summary>Creates the message handler for an authenticated data-plane stream.</summary>
    public static IJsonRpcMessageHandler CreateHandler(Stream stream)
    {
        var formatter = new SystemTextJsonFormatter
        {
            JsonSerializerOptions = new JsonSerializerOptions(JsonSerializerDefaults.Web),
        };
        return new LengthHeaderMessageHandler(stream, stream, formatter);
    }
}
