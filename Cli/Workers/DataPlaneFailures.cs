namespace MeshRpc.Cli.Workers;

/// <summary>How a failure on the way to a worker, or in a call, prints and exits: one line, and the code scripts tell it by.</summary>
internal static class DataPlaneFailures
{
    /// <summary>Prints <paramref name="ex"/>'s message (MeshRpc's messages name the worker and the fix, never a secret) and returns its exit code.</summary>
    public static int Fail(Exception ex) => GatewayAccess.Fail(ex switch
    {
        // The worker refused the ticket (altered, expired, another worker's) or serves no such method.
        CallRefusedException => ExitCodes.Refused,
        WorkerLostException => ExitCodes.Unreachable,
        _ => ExitCodes.Failed,
    }, ex.Message);
}
