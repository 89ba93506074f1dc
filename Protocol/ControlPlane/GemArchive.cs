using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;

namespace MeshRpc.ControlPlane;

/// <summary>Packs, reads and unpacks gems: zip archives with <c>manifest.json</c> and the worker's assemblies at the root.</summary>
public static class GemArchive
{
    // Zip entries carry timestamps; a fixed one makes the same files pack to the same digest on every machine.
    private static readonly DateTimeOffset EntryTimestamp = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Packs a manifest and assembly files into a gem archive; the same inputs always give the same bytes.</summary>
    public static byte[] Pack(GemManifest manifest, IEnumerable<string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        return Pack(manifest, files.Select(file => new GemFile(Path.GetFileName(file), File.ReadAllBytes(file))));
    }

    /// <summary>Packs a manifest and files held in memory into a gem archive; the same inputs always give the same bytes.</summary>
    public static byte[] Pack(GemManifest manifest, IEnumerable<GemFile> files)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(files);
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            AddEntry(zip, GemManifest.FileName, JsonSerializer.SerializeToUtf8Bytes(manifest, ControlPlaneJsonContext.Default.GemManifest));
            foreach (var file in files.OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                AddEntry(zip, file.Name, file.Content);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>The <c>sha256:</c> digest that names a gem archive.</summary>
    public static string Digest(ReadOnlySpan<byte> archive) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(archive));

    /// <summary>The most a gem may unpack to, unless its reader says otherwise: a decompression bomb stops here.</summary>
    public const long DefaultMaxUnpackedBytes = 1L << 30;

    // Unix file-type bits a zip entry's external attributes may carry (st_mode << 16).
    private const int FileTypeMask = 0xF000;
    private const int RegularFile = 0x8000;
    private const int SpecialModeBits = 0xE00;

    /// <summary>
    /// Reads and validates a gem's manifest and its entries (plain files at the root, no links or special modes, at most
    /// <paramref name="maxUnpackedBytes"/> unpacked); throws <see cref="InvalidDataException"/> saying what is wrong.
    /// </summary>
    public static GemManifest ReadManifest(byte[] archive, long maxUnpackedBytes = DefaultMaxUnpackedBytes)
    {
        ArgumentNullException.ThrowIfNull(archive);
        using var zip = Open(archive);
        CheckEntries(zip, maxUnpackedBytes);
        var entry = zip.GetEntry(GemManifest.FileName)
            ?? throw new InvalidDataException($"The gem has no {GemManifest.FileName} at its root. Pack it with GemArchive.Pack or add the manifest.");
        GemManifest? manifest;
        try
        {
            using var stream = entry.Open();
            manifest = JsonSerializer.Deserialize(stream, ControlPlaneJsonContext.Default.GemManifest);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The gem's {GemManifest.FileName} is not valid: {ex.Message}", ex);
        }

        if (manifest is null)
        {
            throw new InvalidDataException($"The gem's {GemManifest.FileName} is empty.");
        }

        if (!GemPointer.IsValidName(manifest.Name) || !GemPointer.IsValidVersion(manifest.Version))
        {
            throw new InvalidDataException(
                $"The gem's name '{manifest.Name}' or version '{manifest.Version}' is not valid: names are lowercase letters, digits, '.', '_' and '-'; versions are letters, digits, '.', '+' and '-'.");
        }

        if (zip.GetEntry(manifest.EntryAssembly) is null)
        {
            throw new InvalidDataException($"The gem's manifest names entry assembly '{manifest.EntryAssembly}', but the archive has no such file at its root.");
        }

        if (manifest.Native is { } native && (zip.GetEntry(native.Executable) is null || string.IsNullOrWhiteSpace(native.Platform)))
        {
            throw new InvalidDataException(
                $"The gem's manifest names native host '{native.Executable}' for platform '{native.Platform}', but the archive has no such file at its root or the platform is empty.");
        }

        return manifest;
    }

    /// <summary>
    /// Unpacks a gem into <paramref name="directory"/>: plain files only, written with default permissions, never more
    /// than each entry declares nor more than <paramref name="maxUnpackedBytes"/> in all.
    /// </summary>
    public static void Extract(byte[] archive, string directory, long maxUnpackedBytes = DefaultMaxUnpackedBytes)
    {
        using var zip = Open(archive);
        CheckEntries(zip, maxUnpackedBytes);
        var root = Path.GetFullPath(directory) + Path.DirectorySeparatorChar;
        foreach (var entry in zip.Entries)
        {
            var target = Path.GetFullPath(Path.Combine(root, entry.FullName));
            if (!target.StartsWith(root, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"The gem entry '{entry.FullName}' is not a plain file name at the archive root.");
            }

            // The declared size bounds what is written: a stream that inflates past it is a lie, and refused.
            using var source = entry.Open();
            using var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write);
            var buffer = new byte[81920];
            long written = 0;
            int read;
            while ((read = source.Read(buffer)) > 0)
            {
                written += read;
                if (written > entry.Length)
                {
                    throw new InvalidDataException($"The gem entry '{entry.FullName}' inflates past the {entry.Length} bytes it declares: the archive is corrupt or a decompression bomb.");
                }

                file.Write(buffer, 0, read);
            }
        }
    }

    private static void CheckEntries(ZipArchive zip, long maxUnpackedBytes)
    {
        long total = 0;
        foreach (var entry in zip.Entries)
        {
            if (entry.FullName.Length == 0 || entry.FullName.Contains('/', StringComparison.Ordinal) || entry.FullName.Contains('\\', StringComparison.Ordinal)
                || entry.FullName is "." or "..")
            {
                throw new InvalidDataException($"The gem entry '{entry.FullName}' is not a plain file name at the archive root.");
            }

            var mode = (entry.ExternalAttributes >> 16) & 0xFFFF;
            if ((mode & FileTypeMask) is not (0 or RegularFile) || (mode & SpecialModeBits) != 0)
            {
                throw new InvalidDataException(
                    $"The gem entry '{entry.FullName}' is a link, a device or has setuid/setgid/sticky bits (mode {Convert.ToString(mode, 8)}): gems hold plain files only.");
            }

            total += entry.Length;
            if (total > maxUnpackedBytes)
            {
                throw new InvalidDataException($"The gem unpacks to more than {maxUnpackedBytes} bytes (a decompression bomb, or a gem too large for this store).");
            }
        }
    }

    private static void AddEntry(ZipArchive zip, string name, byte[] content)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        entry.LastWriteTime = EntryTimestamp;
        using var stream = entry.Open();
        stream.Write(content);
    }

    private static ZipArchive Open(byte[] archive)
    {
        try
        {
            return new ZipArchive(new MemoryStream(archive, writable: false), ZipArchiveMode.Read);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException("The gem is not a zip archive. Publish a zip with manifest.json and the worker's assemblies at its root.", ex);
        }
    }
}

/// <summary>One file of a gem: its name at the archive's root and its bytes.</summary>
/// <param name="Name">The file name.</param>
/// <param name="Content">The bytes.</param>
public sealed record GemFile(string Name, byte[] Content);
