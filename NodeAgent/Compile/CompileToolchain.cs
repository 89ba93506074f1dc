using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using MeshRpc.Hosting;
using MeshRpc.NodeAgent.Forge;

namespace MeshRpc.NodeAgent.Compile;

/// <summary>
/// What this node compiles summoned source with, as one hash (<see cref="ControlPlane.SourceKey"/>): the .NET runtime
/// the compiler runs on (and references), the assemblies the worker host ships (the MeshRpc runtime, Roslyn, the
/// generator), and the SDK's System.Text.Json generator when the node has one. Two nodes with the same toolchain
/// compile the same source to the same gem.
/// </summary>
public static class CompileToolchain
{
    private static readonly Lazy<string> Computed = new(Compute);

    /// <summary>The toolchain's id: 64 lowercase hex digits, computed once per process.</summary>
    public static string Id => Computed.Value;

    private static string Compute()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{Environment.Version}|{RuntimeInformation.RuntimeIdentifier}\n"));
        var shipped = Directory.EnumerateFiles(Path.GetDirectoryName(WorkerHostCommand.HostAssembly)!, "*.dll").Order(StringComparer.Ordinal);
        var packs = Path.Combine(Path.GetDirectoryName(DotnetMuxer.Path)!, "packs", "Microsoft.NETCore.App.Ref");
        IEnumerable<string> jsonGenerators = Directory.Exists(packs)
            ? Directory.EnumerateFiles(packs, "System.Text.Json.SourceGeneration.dll", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            : [];
        foreach (var file in shipped.Concat(jsonGenerators))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(file) + "\n"));
            using var stream = File.OpenRead(file);
            hash.AppendData(SHA256.HashData(stream));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
