using System.IO.Compression;
using MeshRpc.ControlPlane;

namespace MeshRpc.Runtime.Tests.ControlPlane;

public sealed class GemArchiveTests
{
    [Fact]
    public void PackedGem_ReadsBack_AndPacksToTheSameDigestEveryTime()
    {
        var gem = MeshRpc.TestWorker.TestGem.Pack();

        var manifest = GemArchive.ReadManifest(gem);

        Assert.Equal("test-worker", manifest.Name);
        Assert.Equal("MeshRpc.TestWorker.ITestWorker", manifest.Contract);
        Assert.Matches("^sha256:[0-9a-f]{64}$", GemArchive.Digest(gem));
        Assert.Equal(GemArchive.Digest(gem), GemArchive.Digest(MeshRpc.TestWorker.TestGem.Pack()));
    }

    [Fact]
    public void Rejects_NotAZip()
    {
        var error = Assert.Throws<InvalidDataException>(() => GemArchive.ReadManifest("not a zip"u8.ToArray()));

        Assert.Contains("not a zip archive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_MissingManifest()
    {
        var error = Assert.Throws<InvalidDataException>(() => GemArchive.ReadManifest(Zip(("worker.dll", "x"))));

        Assert.Contains("no manifest.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_ManifestNamingAMissingAssembly()
    {
        var manifest = """{"name":"a","version":"1","contract":"C","contractHash":"h","entryAssembly":"missing.dll","workerType":"W"}""";

        var error = Assert.Throws<InvalidDataException>(() => GemArchive.ReadManifest(Zip(("manifest.json", manifest))));

        Assert.Contains("missing.dll", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_ManifestNamingAMissingNativeHost()
    {
        var manifest = """{"name":"a","version":"1","contract":"C","contractHash":"h","entryAssembly":"w.dll","workerType":"W","native":{"executable":"w-native","platform":"linux-x64"}}""";

        var error = Assert.Throws<InvalidDataException>(() => GemArchive.ReadManifest(Zip(("manifest.json", manifest), ("w.dll", "x"))));

        Assert.Contains("native host 'w-native' for platform 'linux-x64'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_ANativeHost()
    {
        var manifest = """{"name":"a","version":"1","contract":"C","contractHash":"h","entryAssembly":"w.dll","workerType":"W","native":{"executable":"w-native","platform":"linux-x64"}}""";

        var read = GemArchive.ReadManifest(Zip(("manifest.json", manifest), ("w.dll", "x"), ("w-native", "\u007fELF")));

        Assert.Equal(new NativeHost("w-native", "linux-x64"), read.Native);
    }

    [Fact]
    public void Extract_RefusesEntriesOutsideTheTarget()
    {
        var target = Directory.CreateTempSubdirectory().FullName;
        try
        {
            var error = Assert.Throws<InvalidDataException>(() => GemArchive.Extract(Zip(("../escape.dll", "x")), target));

            Assert.Contains("../escape.dll", error.Message, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(target, "..", "escape.dll")));
        }
        finally
        {
            Directory.Delete(target, recursive: true);
        }
    }

    private static byte[] Zip(params (string Name, string Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open());
                writer.Write(content);
            }
        }

        return buffer.ToArray();
    }
}
