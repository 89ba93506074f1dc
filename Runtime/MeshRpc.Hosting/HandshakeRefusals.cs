namespace MeshRpc.Hosting;

/// <summary>Why a worker refused a connection, as <c>meshrpc.handshake.refusals</c> counts it (<c>meshrpc.refusal.reason</c>).</summary>
public static class HandshakeRefusals
{
    /// <summary>More handshakes waited at once than the worker takes.</summary>
    public const string Overloaded = "overloaded";

    /// <summary>The connection broke, stalled past the handshake timeout, or failed TLS before a ticket was shown.</summary>
    public const string Transport = "transport";

    /// <summary>The first frame was over the handshake's size limit.</summary>
    public const string TooLarge = "too_large";

    /// <summary>The first frame was not a well-formed <c>mesh.handshake</c> request.</summary>
    public const string Malformed = "malformed";

    /// <summary>A call came before the handshake.</summary>
    public const string NoHandshake = "no_handshake";

    /// <summary>The ticket's signature, expiry or worker did not hold, or the handshake named another ticket.</summary>
    public const string Ticket = "ticket";

    /// <summary>The ticket's contract, or its hash, is not the one the worker serves or the caller speaks.</summary>
    public const string Contract = "contract";

    /// <summary>The proof did not match the ticket's secret.</summary>
    public const string Proof = "proof";

    /// <summary>Every reason.</summary>
    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Overloaded, Transport, TooLarge, Malformed, NoHandshake, Ticket, Contract, Proof,
    };
}
