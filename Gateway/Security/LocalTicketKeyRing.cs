using System.Security.Cryptography;
using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Configuration;
using MeshRpc.Tickets;

namespace MeshRpc.Gateway.Security;

/// <summary>One gateway's ticket keys: the current one in its key file (kept across restarts), the previous one in memory.</summary>
public sealed class LocalTicketKeyRing : ITicketKeyRing
{
    private readonly string _path;
    private readonly Lock _rotating = new();
    private volatile Ring _ring;

    /// <summary>Loads the key file, or makes the first key.</summary>
    public LocalTicketKeyRing(GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _path = options.TicketKeyFile;
        _ring = new Ring(Signer(LoadOrCreate(_path)), null);
    }

    /// <inheritdoc />
    public TicketSigner Current => _ring.Current;

    /// <inheritdoc />
    public IReadOnlyList<TicketKey> Keys => _ring.Keys;

    /// <inheritdoc />
    public TicketSigner? Find(string keyId) => _ring.Find(keyId);

    /// <inheritdoc />
    public Task<TicketKey> RotateAsync(CancellationToken cancellationToken)
    {
        lock (_rotating)
        {
            var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            Write(_path, fresh, overwrite: true);
            _ring = new Ring(Signer(fresh), _ring.Current);
            return Task.FromResult(_ring.Keys[0]);
        }
    }

    private static TicketSigner Signer(ECDsa key) => new(key, TicketSigner.KeyIdOf(key));

    // The key outlives restarts, so tickets issued before one still open their workers after it.
    private static ECDsa LoadOrCreate(string path)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        if (File.Exists(path))
        {
            key.ImportFromPem(File.ReadAllText(path));
            return key;
        }

        Write(path, key, overwrite: false);
        return key;
    }

    private static void Write(string path, ECDsa key, bool overwrite)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var partial = path + "." + Guid.NewGuid().ToString("N") + ".partial";
        File.WriteAllText(partial, key.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(partial, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(partial, path, overwrite);
    }

    /// <summary>A current key and the one before it.</summary>
    internal sealed record Ring(TicketSigner Current, TicketSigner? Previous)
    {
        public IReadOnlyList<TicketKey> Keys { get; } =
            [new(Current.KeyId, Current.PublicKey), .. Previous is { } previous ? [new TicketKey(previous.KeyId, previous.PublicKey)] : Array.Empty<TicketKey>()];

        public TicketSigner? Find(string keyId) =>
            Current.KeyId == keyId ? Current : Previous?.KeyId == keyId ? Previous : null;
    }
}
