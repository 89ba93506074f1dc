using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MeshRpc.TestWorker;

/// <summary>The root certificates this process trusts, as a worker and its caller both see them.</summary>
public static class TrustedRoots
{
    /// <summary>Sorted lowercase SHA-256 thumbprints of the machine's trusted roots, as .NET loads them in this process.</summary>
    public static string[] Thumbprints()
    {
        using var store = new X509Store(StoreName.Root, StoreLocation.LocalMachine);
        store.Open(OpenFlags.ReadOnly);
        var roots = store.Certificates;
        var thumbprints = roots.Select(root => Convert.ToHexStringLower(root.GetCertHash(HashAlgorithmName.SHA256))).Order(StringComparer.Ordinal).ToArray();
        foreach (var root in roots)
        {
            root.Dispose();
        }

        return thumbprints;
    }
}
