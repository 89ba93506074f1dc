using MeshRpc.Gateway.Gems;

namespace MeshRpc.Gateway.Tests.Gems;

public sealed class CompiledIndexTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("meshrpc-compiled-");

    [Fact]
    public void ARecordedKey_IsFound_AndAnUnknownOneIsNot()
    {
        var index = new CompiledIndex(_directory.FullName);

        index.Record(Key('a'), Digest('1'));

        Assert.Equal(Digest('1'), index.Find(Key('a')));
        Assert.Null(index.Find(Key('b')));
        Assert.Equal(Digest('1'), new CompiledIndex(_directory.FullName).Find(Key('a')));
    }

    [Fact]
    public void Eviction_DropsTheLeastRecentlyUsed_UntilTheRestFit()
    {
        var index = new CompiledIndex(_directory.FullName);
        index.Record(Key('a'), Digest('1'));
        index.Record(Key('b'), Digest('2'));
        index.Record(Key('c'), Digest('3'));
        Age(Key('a'), minutes: 30);
        Age(Key('b'), minutes: 20);
        Age(Key('c'), minutes: 10);
        Assert.NotNull(index.Find(Key('a')));

        var dropped = index.Evict(maxBytes: 250, _ => 100);

        Assert.Equal([Digest('2')], dropped);
        Assert.Null(index.Find(Key('b')));
        Assert.NotNull(index.Find(Key('a')));
        Assert.NotNull(index.Find(Key('c')));
    }

    [Fact]
    public void AGemTwoKeysShare_StaysWhileTheMoreRecentKeepsIt()
    {
        var index = new CompiledIndex(_directory.FullName);
        index.Record(Key('a'), Digest('1'));
        index.Record(Key('b'), Digest('1'));
        index.Record(Key('c'), Digest('2'));
        Age(Key('a'), minutes: 30);
        Age(Key('b'), minutes: 5);
        Age(Key('c'), minutes: 10);

        var dropped = index.Evict(maxBytes: 100, _ => 100);

        Assert.Equal([Digest('2')], dropped);
        Assert.Equal(Digest('1'), index.Find(Key('a')));
        Assert.Equal(Digest('1'), index.Find(Key('b')));
    }

    [Fact]
    public void AMalformedKey_IsRefused() =>
        Assert.Throws<ArgumentException>(() => new CompiledIndex(_directory.FullName).Record("../names/x", Digest('1')));

    public void Dispose() => _directory.Delete(recursive: true);

    private static string Key(char c) => new(c, 64);

    private static string Digest(char c) => "sha256:" + new string(c, 64);

    private void Age(string key, int minutes) =>
        File.SetLastWriteTimeUtc(Path.Combine(_directory.FullName, key), DateTime.UtcNow.AddMinutes(-minutes));
}
