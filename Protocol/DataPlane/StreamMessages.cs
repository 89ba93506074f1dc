using System.Text.Json;

namespace MeshRpc.Wire;

/// <summary>What a streaming method returns on the wire: a handle the caller pulls items through.</summary>
public sealed record StreamHandle(long StreamId);

/// <summary>One pull's worth of stream items, still as JSON so one shape serves every item type.</summary>
public sealed record StreamBatch(JsonElement[] Items, bool Done);

/// <summary>Method names of the pull protocol behind <c>IAsyncEnumerable&lt;T&gt;</c> results.</summary>
public static class StreamProtocol
{
    /// <summary><c>(streamId, maxItems) -> StreamBatch</c>: produce up to maxItems more items.</summary>
    public const string Next = "mesh.stream.next";

    /// <summary><c>(streamId)</c>, a notification: stop the stream and fire its cancellation token.</summary>
    public const string Dispose = "mesh.stream.dispose";

    /// <summary>How many items a caller asks for per pull: the most a worker produces ahead of its consumer.</summary>
    public const int BatchSize = 16;
}
