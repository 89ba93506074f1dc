using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using MeshRpc.Hosting;
using MeshRpc.NodeAgent.Forge;

namespace MeshRpc.NodeAgent.Compile;

/// <summary>
/// What this node compiles summoned source with, as one hash (<see cref="ControlPlane.SourceKey"/>): the .NET runtime
/// the compiler runs on (and references), the assemblies the worker host ships (the MeshRpc runtime, Roslyn, the
/// generator) and the SDK's System.Text.Json generator when the node has one, each by its module version id. Two nodes with the same toolchain
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
            hash.AppendData(Encoding.UTF8.GetBytes($"{Path.GetFileName(file)} {IdentityOf(file)}\n"));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    // An assembly's module version id changes whenever what it was compiled from does (builds are deterministic), and
    // reading it takes the metadata, not the whole file: the agent computes this as it registers. Native libraries have
    // none; their size stands in.
    private static string IdentityOf(string file)
    {
        using var stream = File.OpenRead(file);
        try
        {
            using var pe = new PEReader(stream);
            return pe.HasMetadata ? pe.GetMetadataReader().GetGuid(pe.GetMetadataReader().GetModuleDefinition().Mvid).ToString("N") : "native " + stream.Length;
        }
        catch (BadImageFormatException)
        {
            return "native " + stream.Length;
        }
    }
}
