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
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(files);
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            AddEntry(zip, GemManifest.FileName, JsonSerializer.SerializeToUtf8Bytes(manifest, ControlPlaneJsonContext.Default.GemManifest));
            foreach (var file in files.OrderBy(Path.GetFileName, StringComparer.Ordinal))
            {
                AddEntry(zip, Path.GetFileName(file), File.ReadAllBytes(file));
            }
        }

        return buffer.ToArray();
    }

    /// <summary>The <c>sha256:</c> digest that names a gem archive.</summary>
    public static string Digest(ReadOnlySpan<byte> archive) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(archive));

    /// <summary>Reads and validates a gem's manifest; throws <see cref="InvalidDataException"/> saying what is wrong.</summary>
    public static GemManifest ReadManifest(byte[] archive)
    {
        ArgumentNullException.ThrowIfNull(archive);
        using var zip = Open(archive);
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

    /// <summary>Unpacks a gem into <paramref name="directory"/>, refusing entries that would land outside it.</summary>
    public static void Extract(byte[] archive, string directory)
    {
        using var zip = Open(archive);
        var root = Path.GetFullPath(directory) + Path.DirectorySeparatorChar;
        foreach (var entry in zip.Entries)
        {
            var target = Path.GetFullPath(Path.Combine(root, entry.FullName));
            if (!target.StartsWith(root, StringComparison.Ordinal) || entry.FullName.Contains('/', StringComparison.Ordinal))
            {
                throw new InvalidDataException($"The gem entry '{entry.FullName}' is not a plain file name at the archive root.");
            }

            entry.ExtractToFile(target, overwrite: false);
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
