using System.Runtime.InteropServices;

namespace MeshRpc.Hosting;

/// <summary>Finds the <c>dotnet</c> executable of the runtime this process runs on, to start sibling .NET processes.</summary>
public static class DotnetMuxer
{
    /// <summary>
    /// The muxer's path. The runtime folder is <c>{root}/shared/Microsoft.NETCore.App/{version}/</c>, and the muxer is
    /// <c>{root}/dotnet</c>, whether this process was started by <c>dotnet</c> or by an app host.
    /// </summary>
    public static string Path { get; } = System.IO.Path.GetFullPath(
        System.IO.Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", "dotnet"));
}
