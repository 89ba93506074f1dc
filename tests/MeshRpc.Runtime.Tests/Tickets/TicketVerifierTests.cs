using MeshRpc.Tickets;
using Microsoft.Extensions.Time.Testing;

namespace MeshRpc.Runtime.Tests.Tickets;

public sealed class TicketVerifierTests
{
    private static readonly byte[] WorkerKey = new byte[32];

    [Fact]
    public void Accepts_ATicketFromItsGateway_ForThisWorker_BeforeExpiry()
    {
        var signer = TicketSigner.CreateEphemeral();
        var ticket = Issue(signer, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        using var verifier = signer.CreateVerifier();

        var (claims, refusal) = verifier.Verify(ticket.Auth.KeyId, ticket.Auth.Claims, ticket.Auth.Signature, "w-0123456789abcdef");

        Assert.Null(refusal);
        Assert.Equal(ticket.TicketId, claims!.TicketId);
        Assert.Equal(Convert.ToBase64String(TicketSecrets.Derive(WorkerKey, ticket.TicketId)), ticket.Auth.Secret);
    }

    [Fact]
    public void Refuses_AnExpiredTicket()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var signer = TicketSigner.CreateEphemeral();
        var ticket = Issue(signer, time.GetUtcNow(), TimeSpan.FromSeconds(30));
        using var verifier = signer.CreateVerifier(time);

        time.Advance(TimeSpan.FromSeconds(31));
        var (claims, refusal) = verifier.Verify(ticket.Auth.KeyId, ticket.Auth.Claims, ticket.Auth.Signature, "w-0123456789abcdef");

        Assert.Null(claims);
        Assert.Contains("expired", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_ATicketSignedByAnotherGateway()
    {
        var ticket = Issue(TicketSigner.CreateEphemeral(), DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        var impostor = TicketSigner.CreateEphemeral();
        using var verifier = new TicketVerifier(ticket.Auth.KeyId, impostor.PublicKey);

        var (claims, refusal) = verifier.Verify(ticket.Auth.KeyId, ticket.Auth.Claims, ticket.Auth.Signature, "w-0123456789abcdef");

        Assert.Null(claims);
        Assert.Contains("signature does not verify", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_AlteredClaims()
    {
        var signer = TicketSigner.CreateEphemeral();
        var ticket = Issue(signer, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        var other = Issue(signer, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(50));
        using var verifier = signer.CreateVerifier();

        // Claims from one ticket with the signature of another.
        var (claims, refusal) = verifier.Verify(ticket.Auth.KeyId, other.Auth.Claims, ticket.Auth.Signature, "w-0123456789abcdef");

        Assert.Null(claims);
        Assert.Contains("signature does not verify", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_AnUnknownKeyId()
    {
        var signer = TicketSigner.CreateEphemeral();
        var ticket = Issue(signer, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        using var verifier = signer.CreateVerifier();

        var (_, refusal) = verifier.Verify("es256-0000000000000000", ticket.Auth.Claims, ticket.Auth.Signature, "w-0123456789abcdef");

        Assert.Contains("es256-0000000000000000", refusal, StringComparison.Ordinal);
    }

    private static CapabilityTicket Issue(TicketSigner signer, DateTimeOffset now, TimeSpan lifetime) =>
        signer.Issue("w-0123456789abcdef", WorkerKey, new TicketEndpoints("tcp://127.0.0.1:1"), null, "node", "C", "0123456789abcdef0123456789abcdef", 3000, now, lifetime);
}
