using System.Diagnostics.CodeAnalysis;
using MeshRpc.ControlPlane;

namespace MeshRpc;

/// <summary>Packs a worker as a gem, for <see cref="MeshClient.PublishGemAsync"/>.</summary>
public static class MeshGem
{
    /// <summary>
    /// The gem <paramref name="name"/>@<paramref name="version"/> of <typeparamref name="TWorker"/> serving
    /// <typeparamref name="TContract"/>: its manifest, the worker's assembly, the contract's where that is another
    /// (the worker host loads both from the gem), and <paramref name="files"/> (e.g. a <paramref name="native"/> host).
    /// </summary>
    [RequiresAssemblyFiles("A gem carries the worker's assembly file, which a single-file app does not have.")]
    public static byte[] Pack<TContract, TWorker>(string name, string version = "1.0.0", NativeHost? native = null, params IEnumerable<string> files)
        where TContract : class
        where TWorker : TContract
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(version);
        var contract = MeshContracts.Get<TContract>();
        var worker = typeof(TWorker).Assembly.Location;
        if (worker.Length == 0)
        {
            throw new InvalidOperationException($"{typeof(TWorker).Name}'s assembly has no file to pack (a single-file or in-memory assembly). Pack the gem from a regular build of the worker.");
        }

        return GemArchive.Pack(
            new GemManifest
            {
                Name = name,
                Version = version,
                Contract = contract.Name,
                ContractHash = contract.Hash,
                EntryAssembly = Path.GetFileName(worker),
                WorkerType = typeof(TWorker).FullName!,
                Native = native,
            },
            [.. new[] { worker, typeof(TContract).Assembly.Location }.Distinct(), .. files]);
    }
}
