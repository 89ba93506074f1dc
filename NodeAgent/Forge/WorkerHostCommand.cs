using System.Runtime.InteropServices;

namespace MeshRpc.NodeAgent.Forge;

/// <summary>The command line that starts a worker host: the running .NET muxer plus the host assembly shipped beside the agent.</summary>
public static class WorkerHostCommand
{
    /// <summary>The worker host assembly, shipped in the agent's output folder.</summary>
    public static string HostAssembly { get; } = Path.Combine(AppContext.BaseDirectory, "MeshRpc.WorkerHost.dll");

    /// <summary>The <c>dotnet</c> muxer of the runtime this agent runs on (the runtime folder is <c>{root}/shared/Microsoft.NETCore.App/{version}/</c>).</summary>
    public static string Muxer { get; } = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", "dotnet"));

    /// <summary>The full command.</summary>
    public static IReadOnlyList<string> Create() => [Muxer, HostAssembly];
}
