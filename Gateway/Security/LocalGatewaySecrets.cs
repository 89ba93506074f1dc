using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MeshRpc.Gateway.Configuration;
using MeshRpc.Tls;

namespace MeshRpc.Gateway.Security;

/// <summary>One gateway's secrets: the ticket key in its key file (kept across restarts), a client certificate fresh per run.</summary>
public sealed class LocalGatewaySecrets(GatewayOptions options) : IGatewaySecrets
{
    /// <inheritdoc />
    public ECDsa TicketKey() => LoadOrCreateKey(options.TicketKeyFile);

    /// <inheritdoc />
    public X509Certificate2 ClientCertificate() => WorkerCertificate.Create();

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
