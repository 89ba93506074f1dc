using System.Reflection;
using System.Runtime.InteropServices;
using MeshRpc.ControlPlane;
using MeshRpc.Gems;
using MeshRpc.NodeAgent.Forge;

namespace MeshRpc.NodeAgent.Compile;

/// <summary>
/// Checks what a compile sandbox returned, reading it as metadata only (nothing of it runs in the agent), and packs it
/// as a gem: an assembly that declares the summoned contract with the caller's hash and exactly one class implementing it.
/// </summary>
public static class CompiledWorker
{
    /// <summary>The compiled assembly's file name inside its gem.</summary>
    public const string EntryAssembly = "MeshRpc.SummonedSource.dll";

    /// <summary>The gem's archive and manifest; throws <see cref="ForgeException"/> naming what the assembly lacks.</summary>
    public static (byte[] Archive, GemManifest Manifest) Pack(byte[] image, string contract, string contractHash, string sourceKey)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (workerType, hash) = Inspect(image, contract);
        if (hash != contractHash)
        {
            throw new ForgeException(MeshErrorCodes.ContractMismatch,
                $"The summoned source declares contract {contract} with hash {hash}, but the caller's contract hashes to {contractHash}. Summon with the same contract the source declares.");
        }

        var manifest = new GemManifest
        {
            Name = "source",
            Version = sourceKey[..16],
            Contract = contract,
            ContractHash = hash,
            EntryAssembly = EntryAssembly,
            WorkerType = workerType,
            FromSource = true,
        };
        return (GemArchive.Pack(manifest, [new GemFile(EntryAssembly, image)]), manifest);
    }

    private static (string WorkerType, string ContractHash) Inspect(byte[] image, string contract)
    {
        var host = Path.GetDirectoryName(WorkerHostCommand.HostAssembly)!;
        var references = Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll").Concat(Directory.GetFiles(host, "*.dll"))
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.First());
        using var metadata = new MetadataLoadContext(new PathAssemblyResolver(references));
        try
        {
            var workers = WorkerMetadata.WorkersIn(metadata.LoadFromByteArray(image).GetTypes(), publicOnly: false)
                .Select(w => (w.Type, Identity: WorkerMetadata.ContractIdentity(w.Contract)))
                .Where(w => w.Identity?.WireName == contract)
                .ToList();
            return workers.Count == 1
                ? (workers[0].Type.FullName!, workers[0].Identity!.Value.Hash)
                : throw new ForgeException(MeshErrorCodes.ContractMismatch,
                    $"The summoned source must declare exactly one class implementing {contract}, with the contract itself marked [MeshWorker]; it declares {workers.Count}.");
        }
        catch (Exception ex) when (ex is BadImageFormatException or ReflectionTypeLoadException or FileNotFoundException or FileLoadException)
        {
            // Only a subverted compiler returns an image that does not read: the sandbox is hostile ground.
            throw new ForgeException(MeshErrorCodes.ForgeFailed, "The compile sandbox returned an assembly that does not read as one; the node refuses it.", ex);
        }
    }
}
