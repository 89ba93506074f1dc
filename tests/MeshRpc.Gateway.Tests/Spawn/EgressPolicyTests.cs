using MeshRpc.Gateway.Api;
using MeshRpc.Gateway.Spawn;

namespace MeshRpc.Gateway.Tests.Spawn;

/// <summary>The gateway's egress cap on its own (unit level).</summary>
public sealed class EgressPolicyTests
{
    [Fact]
    public void AGatewayWithoutACap_RefusesAnyEgress_SayingSo()
    {
        var refused = Assert.Throws<GatewayException>(() => EgressPolicy.Check(["10.1.2.3:443"], []));

        Assert.Equal(403, refused.StatusCode);
        Assert.Contains("it allows workers no egress", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoDestinations_NeedNoCap()
    {
        Assert.Empty(EgressPolicy.Check(null, []));
        Assert.Empty(EgressPolicy.Check([], []));
    }

    [Fact]
    public void CoveredDestinations_ComeBackCanonical()
    {
        var checkedList = EgressPolicy.Check(["10.1.2.3:443", "10.1.0.0/16:*"], [EgressDestination.Parse("10.0.0.0/8:*")]);

        Assert.Equal(["10.1.2.3/32:443", "10.1.0.0/16:*"], checkedList);
    }
}
