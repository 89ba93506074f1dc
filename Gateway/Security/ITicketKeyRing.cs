using MeshRpc.ControlPlane;
using MeshRpc.Tickets;

namespace MeshRpc.Gateway.Security;

/// <summary>
/// The ticket-signing keys: the current one, which signs new tickets, and the one before it, which still signs for
/// workers given it before a rotation. Each worker is told, at its forge, the key its ticket is signed with, so a
/// rotation never makes a worker refuse its ticket. One gateway keeps the ring in its key file
/// (<see cref="LocalTicketKeyRing"/>); gateways sharing a swarm keep it in Redis (<see cref="Registry.Redis.RedisTicketKeyRing"/>).
/// </summary>
public interface ITicketKeyRing
{
    /// <summary>The key new tickets are signed with.</summary>
    TicketSigner Current { get; }

    /// <summary>The current key's public half, then the previous one's, if any.</summary>
    IReadOnlyList<TicketKey> Keys { get; }

    /// <summary>The signer of key <paramref name="keyId"/>, if it is still in the ring.</summary>
    TicketSigner? Find(string keyId);

    /// <summary>Makes a fresh key current; the current one becomes the previous, and the previous one leaves the ring.</summary>
    Task<TicketKey> RotateAsync(CancellationToken cancellationToken);
}
