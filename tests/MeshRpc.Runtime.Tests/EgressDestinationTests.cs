namespace MeshRpc.Runtime.Tests;

public sealed class EgressDestinationTests
{
    [Theory]
    [InlineData("10.1.2.3:5432", "10.1.2.3/32:5432")]
    [InlineData("10.1.2.0/24:443", "10.1.2.0/24:443")]
    [InlineData("10.0.0.0/8:*", "10.0.0.0/8:*")]
    [InlineData("192.0.2.7:65535", "192.0.2.7/32:65535")]
    public void Parses_AnAddressOrNetworkAndAPort(string text, string canonical)
    {
        Assert.Equal(canonical, EgressDestination.Parse(text).ToString());
    }

    [Theory]
    [InlineData("10.1.2.3", "no port")]
    [InlineData("10.1.2.3:0", "port '0'")]
    [InlineData("10.1.2.3:65536", "port '65536'")]
    [InlineData("10.1.2.3:http", "port 'http'")]
    [InlineData("10.1.2.3:+80", "port '+80'")]
    [InlineData("10.1.2.3/24:443", "host bits zero")]
    [InlineData("db.internal:5432", "Host names are not accepted")]
    [InlineData("010.1.2.3:80", "IPv4 address")]
    [InlineData("2001:db8::1:443", "IPv6")]
    [InlineData("127.0.0.1:80", "overlaps 127.0.0.0/8")]
    [InlineData("0.0.0.0/0:*", "overlaps 0.0.0.0/8")]
    [InlineData("169.254.169.254:80", "overlaps 169.254.0.0/16")]
    [InlineData("239.1.1.1:5000", "overlaps 224.0.0.0/3")]
    [InlineData("", "no port")]
    public void Refuses_WhatIsNotADestination_SayingWhy(string text, string problem)
    {
        Assert.False(EgressDestination.TryParse(text, out var destination, out var message));

        Assert.Null(destination);
        Assert.Contains(problem, message, StringComparison.Ordinal);
        Assert.Contains(problem, Assert.Throws<FormatException>(() => EgressDestination.Parse(text)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.0/8:*", "10.1.2.3:443", true)]
    [InlineData("10.0.0.0/8:*", "10.0.0.0/8:443", true)]
    [InlineData("10.0.0.0/8:443", "10.1.0.0/16:443", true)]
    [InlineData("10.0.0.0/8:443", "10.1.2.3:80", false)]
    [InlineData("10.0.0.0/8:443", "10.1.2.3:*", false)]
    [InlineData("10.1.0.0/16:*", "10.0.0.0/8:443", false)]
    [InlineData("10.1.0.0/16:*", "10.2.0.1:443", false)]
    [InlineData("10.1.2.3:443", "10.1.2.3:443", true)]
    public void Covers_OnlyWhatLiesInsideIt(string cap, string asked, bool covered)
    {
        Assert.Equal(covered, EgressDestination.Parse(cap).Covers(EgressDestination.Parse(asked)));
    }
}
