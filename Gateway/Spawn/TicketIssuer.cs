using System.Security.Cryptography;
using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Configuration;
using MeshRpc.Tickets;
using MeshRpc.Tls;

namespace MeshRpc.Gateway.Spawn;

/// <summary>Phase 3: turns a forged worker into the signed Capability Ticket the caller receives.</summary>
public sealed class TicketIssuer
{
    private readonly GatewayOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the issuer with the gateway's signing key, loaded from (or first written to) its key file.</summary>
    public TicketIssuer(GatewayOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time;
        var key = LoadOrCreateKey(options.TicketKeyFile);
        Signer = new TicketSigner(key, TicketSigner.KeyIdOf(key));
    }

    /// <summary>The signer; its key id and public key go to node agents at registration.</summary>
    public TicketSigner Signer { get; }

    /// <summary>Issues a ticket for a forged worker, pinning the certificate its node reported.</summary>
    public CapabilityTicket Issue(ForgeResponse forged, string nodeId, string? relay, string contract, string contractHash, int heartbeatTimeoutMs)
    {
        ArgumentNullException.ThrowIfNull(forged);
        return Signer.Issue(forged.WorkerId, Convert.FromBase64String(forged.WorkerKey), new TicketEndpoints(forged.Endpoint, relay), PinnedEndpoint.Pin(forged.CertificateSha256), nodeId,
            contract, contractHash, heartbeatTimeoutMs, _time.GetUtcNow(), _options.TicketLifetime);
    }

    // The key outlives restarts, so tickets issued before one still open their workers after it.
    private static ECDsa LoadOrCreateKey(string path)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        if (File.Exists(path))
        {
            key.ImportFromPem(File.ReadAllText(path));
            return key;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var partial = path + "." + Guid.NewGuid().ToString("N") + ".partial";
        File.WriteAllText(partial, key.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(partial, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(partial, path, overwrite: false);
        return key;
    }
}
