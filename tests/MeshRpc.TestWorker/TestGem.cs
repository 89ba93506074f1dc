using MeshRpc.ControlPlane;

namespace MeshRpc.TestWorker;

/// <summary>Packs this assembly as the test gems.</summary>
public static class TestGem
{
    /// <summary>The pointer of the gem serving <see cref="ITestWorker"/>.</summary>
    public const string Pointer = "gem://test-worker@1.0.0";

    /// <summary>The pointer of the gem serving <see cref="IShapesWorker"/>.</summary>
    public const string ShapesPointer = "gem://shapes-worker@1.0.0";

    /// <summary>The pointer of the gem serving <see cref="ISandboxProbe"/>.</summary>
    public const string ProbePointer = "gem://sandbox-probe@1.0.0";

    /// <summary>The gem serving <see cref="ISandboxProbe"/>.</summary>
    public static byte[] PackProbe() => Pack<ISandboxProbe, SandboxProbe>("sandbox-probe");

    /// <summary>The gem serving <see cref="ITestWorker"/>.</summary>
    public static byte[] Pack() => Pack<ITestWorker, TestWorker>("test-worker");

    /// <summary>The gem serving <see cref="IShapesWorker"/>.</summary>
    public static byte[] PackShapes() => Pack<IShapesWorker, ShapesWorker>("shapes-worker");

    private static byte[] Pack<TContract, TWorker>(string name)
        where TContract : class => GemArchive.Pack(
        new GemManifest
        {
            Name = name,
            Version = "1.0.0",
            Contract = MeshContracts.Get<TContract>().Name,
            EntryAssembly = Path.GetFileName(typeof(TWorker).Assembly.Location),
            WorkerType = typeof(TWorker).FullName!,
        },
        [typeof(TWorker).Assembly.Location]);
}
