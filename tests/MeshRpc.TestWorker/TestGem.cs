using MeshRpc.ControlPlane;

namespace MeshRpc.TestWorker;

/// <summary>Packs this assembly as the gem <c>gem://test-worker@1.0.0</c>.</summary>
public static class TestGem
{
    /// <summary>The gem's pointer.</summary>
    public const string Pointer = "gem://test-worker@1.0.0";

    /// <summary>The gem archive.</summary>
    public static byte[] Pack() => GemArchive.Pack(
        new GemManifest
        {
            Name = "test-worker",
            Version = "1.0.0",
            Contract = MeshContracts.Get<ITestWorker>().Name,
            EntryAssembly = Path.GetFileName(typeof(TestWorker).Assembly.Location),
            WorkerType = typeof(TestWorker).FullName!,
        },
        [typeof(TestWorker).Assembly.Location]);
}
