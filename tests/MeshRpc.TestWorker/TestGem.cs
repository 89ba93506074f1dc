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

    /// <summary>The pointer of the gem serving <see cref="ITestWorker"/> with a native host built in.</summary>
    public const string NativePointer = "gem://test-worker-native@1.0.0";

    /// <summary>The gem serving <see cref="ISandboxProbe"/>.</summary>
    public static byte[] PackProbe() => Pack<ISandboxProbe, SandboxProbe>("sandbox-probe");

    /// <summary>The gem serving <see cref="ITestWorker"/>.</summary>
    public static byte[] Pack() => Pack<ITestWorker, TestWorker>("test-worker");

    /// <summary>The gem serving <see cref="IShapesWorker"/>.</summary>
    public static byte[] PackShapes() => Pack<IShapesWorker, ShapesWorker>("shapes-worker");

    /// <summary>
    /// The gem serving <see cref="ITestWorker"/> that also ships <paramref name="nativeHost"/>: MeshRpc.TestNativeWorker
    /// published with Native AOT, which nodes of <paramref name="platform"/> run instead of the .NET worker host. It is
    /// <see cref="NativePointer"/> for linux-x64, and <see cref="NativePointerFor"/> the platform otherwise.
    /// </summary>
    public static byte[] PackNative(string nativeHost, string platform = "linux-x64") =>
        Pack<ITestWorker, TestWorker>(NativeNameFor(platform), (nativeHost, platform));

    /// <summary>The pointer of <see cref="PackNative"/>'s gem for <paramref name="platform"/>.</summary>
    public static string NativePointerFor(string platform) => $"gem://{NativeNameFor(platform)}@1.0.0";

    private static string NativeNameFor(string platform) => platform == "linux-x64" ? "test-worker-native" : "test-worker-native-" + platform;

    private static byte[] Pack<TContract, TWorker>(string name, (string Path, string Platform)? nativeHost = null)
        where TContract : class
        where TWorker : TContract =>
        nativeHost is { } native
            ? MeshGem.Pack<TContract, TWorker>(name, native: new NativeHost(Path.GetFileName(native.Path), native.Platform), files: native.Path)
            : MeshGem.Pack<TContract, TWorker>(name);
}
