using MeshRpc.ControlPlane;

namespace MeshRpc.Tests.ControlPlane;

public sealed class SourceKeyTests
{
    private const string Toolchain = "toolchain-1";

    [Fact]
    public void SameInputs_GiveTheSameKey()
    {
        var key = SourceKey.Of("Calc.ICalculator", "hash", "class C {}", Toolchain);

        Assert.Equal(key, SourceKey.Of("Calc.ICalculator", "hash", "class C {}", Toolchain));
        Assert.True(SourceKey.IsKey(key));
    }

    [Theory]
    [InlineData("Calc.IOther", "hash", "class C {}", Toolchain)]
    [InlineData("Calc.ICalculator", "hash2", "class C {}", Toolchain)]
    [InlineData("Calc.ICalculator", "hash", "class C { }", Toolchain)]
    [InlineData("Calc.ICalculator", "hash", "class C {}", "toolchain-2")]
    public void EachPart_ChangesTheKey(string contract, string hash, string source, string toolchain) =>
        Assert.NotEqual(SourceKey.Of("Calc.ICalculator", "hash", "class C {}", Toolchain), SourceKey.Of(contract, hash, source, toolchain));

    [Fact]
    public void TextMovedAcrossParts_ChangesTheKey() =>
        Assert.NotEqual(SourceKey.Of("ab", "c", "s", Toolchain), SourceKey.Of("a", "bc", "s", Toolchain));

    [Theory]
    [InlineData("")]
    [InlineData("../etc/passwd")]
    [InlineData("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789")]
    public void OnlyLowercaseHexOf64_IsAKey(string text) => Assert.False(SourceKey.IsKey(text));
}
