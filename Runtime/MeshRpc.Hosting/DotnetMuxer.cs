using System.Runtime.InteropServices;

namespace MeshRpc.Hosting;

/// <summary>Finds the <c>dotnet</c> executable of the .NET install this process came from, to start sibling .NET processes.</summary>
public static class DotnetMuxer
{
    /// <summary>
    /// The muxer's path. A process on the shared runtime finds it from its runtime folder,
    /// <c>{root}/shared/Microsoft.NETCore.App/{version}/</c>, whether <c>dotnet</c> or an app host started it. The worker
    /// host carries its own runtime (self-contained) and is started by the muxer, so there the muxer is its executable.
    /// </summary>
    public static string Path { get; } = System.IO.Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet"
        ? Environment.ProcessPath!
        : System.IO.Path.GetFullPath(System.IO.Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", "dotnet"));
}
