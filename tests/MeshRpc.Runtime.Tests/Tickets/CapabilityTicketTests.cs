using MeshRpc.Tickets;

namespace MeshRpc.Runtime.Tests.Tickets;

public sealed class CapabilityTicketTests
{
    [Fact]
    public void ToString_NeverShowsTheSecret()
    {
        var ticket = TicketSigner.CreateEphemeral().Issue("w-0123456789abcdef", new byte[32], new TicketEndpoints("tcp://127.0.0.1:1"), null, "node",
            "C", "0123456789abcdef0123456789abcdef", 3000, DateTimeOffset.UtcNow, TimeSpan.FromHours(1));

        var text = ticket.ToString();

        Assert.DoesNotContain(ticket.Auth.Secret, text, StringComparison.Ordinal);
        Assert.Contains("Secret = <redacted>", text, StringComparison.Ordinal);
        Assert.Contains(ticket.Auth.Signature, text, StringComparison.Ordinal);
    }
}
