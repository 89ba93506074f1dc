namespace MeshRpc.Gateway;

/// <summary>Every log event of the gateway, with its id.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "The stored gem {File} is not served: {Reason} Publish it again.")]
    public static partial void GemNotServed(ILogger logger, string file, string reason);
}
