using MeshRpc.NodeAgent.Sandboxes;

namespace MeshRpc.NodeAgent.Workers;

/// <summary>
/// A worker's id is assigned once, when its sandbox is made (cold for a summon, or ahead of one for the warm pool),
/// and the sandbox is named after it: the agent names its workers; the gateway learns the id from the forge's reply.
/// </summary>
public static class WorkerIds
{
    /// <summary>A fresh worker id.</summary>
    public static string New() => "w-" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>The name of the sandbox that runs worker <paramref name="workerId"/>.</summary>
    public static string SandboxName(string workerId) => LxcSandboxProvider.NamePrefix + workerId;

    /// <summary>The id of the worker a sandbox runs, from the sandbox's name.</summary>
    public static string Of(ISandbox sandbox)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        return sandbox.Name[LxcSandboxProvider.NamePrefix.Length..];
    }
}
