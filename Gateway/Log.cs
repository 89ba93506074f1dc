namespace MeshRpc.Gateway;

/// <summary>Every log event of the gateway, with its id.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "The stored gem {File} is not served: {Reason} Publish it again.")]
    public static partial void GemNotServed(ILogger logger, string file, string reason);

    [LoggerMessage(2, LogLevel.Information, "Refused a summon by {Owner}: {Reason}")]
    public static partial void SummonRefused(ILogger logger, string owner, string reason);
}
