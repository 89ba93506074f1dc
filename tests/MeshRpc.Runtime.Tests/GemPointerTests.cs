namespace MeshRpc.Runtime.Tests;

public sealed class GemPointerTests
{
    [Fact]
    public void Parses_NameAndVersion()
    {
        var pointer = GemPointer.Parse("gem://calculator@1.2.0-beta+7");

        Assert.Equal("calculator", pointer.Name);
        Assert.Equal("1.2.0-beta+7", pointer.Version);
        Assert.Null(pointer.Digest);
        Assert.Equal("gem://calculator@1.2.0-beta+7", pointer.ToString());
    }

    [Fact]
    public void Parses_Digest()
    {
        var digest = "sha256:" + new string('a', 64);

        var pointer = GemPointer.Parse(digest);

        Assert.Equal(digest, pointer.Digest);
        Assert.Null(pointer.Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("calculator@1.0")]
    [InlineData("gem://Calculator@1.0")]
    [InlineData("gem://calculator")]
    [InlineData("gem://calculator@")]
    [InlineData("gem://../etc@1.0")]
    [InlineData("sha256:ABC")]
    [InlineData("sha256:" + "g000000000000000000000000000000000000000000000000000000000000000")]
    public void Rejects_Malformed(string text)
    {
        Assert.False(GemPointer.TryParse(text, out _));
        var error = Assert.Throws<FormatException>(() => GemPointer.Parse(text));
        Assert.Contains("gem://name@version", error.Message, StringComparison.Ordinal);
    }
}
