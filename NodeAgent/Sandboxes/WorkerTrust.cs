using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace MeshRpc.NodeAgent.Sandboxes;

/// <summary>
/// The node's trusted root certificates, exported once by the agent as one PEM bundle that workers with egress load
/// instead of the system's certificate file and directory: they trust exactly what the node trusts. A worker without
/// egress reaches nothing it could trust, so it loads no roots at all.
/// </summary>
/// <remarks>
/// .NET on Linux loads the whole trust store the first time a process builds a certificate chain, which every TLS
/// server does for its own certificate (dotnet/runtime#106394). Loading the system's file and directory costs a cold
/// worker over 100 ms here, the bundle alone about 50, an empty one nothing worth measuring. The agent exports the
/// store it sees at start-up, so a change to the system's CA certificates reaches workers when the agent restarts.
/// </remarks>
public static class WorkerTrust
{
    /// <summary>Where sandboxes with a /tmp of their own show the bundle's directory; a plain process reads it where it is.</summary>
    public const string MountPoint = "/tmp/trust";

    private const string BundleFileName = "roots.pem";

    private const string EmptyBundleFileName = "no-roots.pem";

    // OpenSSL falls back to its compiled-in directory when SSL_CERT_DIR is unset, so an empty one stands in for "none".
    private const string EmptyDirectoryName = "no-certificate-directory";

    /// <summary>Writes the bundle of this machine's trusted roots into <paramref name="directory"/>; returns how many it holds.</summary>
    public static int Export(string directory)
    {
        using var store = new X509Store(StoreName.Root, StoreLocation.LocalMachine);
        store.Open(OpenFlags.ReadOnly);
        var roots = store.Certificates;
        var bundle = new StringBuilder();
        foreach (var root in roots)
        {
            bundle.AppendLine(root.ExportCertificatePem());
            root.Dispose();
        }

        Directory.CreateDirectory(Path.Combine(directory, EmptyDirectoryName));
        File.WriteAllText(Path.Combine(directory, EmptyBundleFileName), "");

        // Written beside and moved into place, so no worker ever reads half a bundle.
        var file = Path.Combine(directory, BundleFileName);
        var partial = file + ".partial";
        File.WriteAllText(partial, bundle.ToString());
        File.Move(partial, file, overwrite: true);
        return roots.Count;
    }

    /// <summary>
    /// The environment that makes a worker load the bundle exported to where <paramref name="mountPoint"/> shows it
    /// when it has <paramref name="egress"/>, and no roots at all when it has none.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Environment(string mountPoint, bool egress) =>
    [
        new("SSL_CERT_FILE", Path.Combine(mountPoint, egress ? BundleFileName : EmptyBundleFileName)),
        new("SSL_CERT_DIR", Path.Combine(mountPoint, EmptyDirectoryName)),
    ];
}
