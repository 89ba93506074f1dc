using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using MeshRpc.ControlPlane;
using MeshRpc.Gems;
using MeshRpc.Hosting;

namespace MeshRpc.Cli.Workers;

/// <summary>
/// Builds a gem from a worker project: <c>dotnet publish</c>, then the worker class and its contract found by reading
/// the published assemblies' metadata (nothing of the project runs here), then the archive: the manifest and every
/// published assembly the worker host does not ship itself.
/// </summary>
internal static class GemBuilder
{
    /// <summary>Thrown with a message that says what is wrong and how to fix it.</summary>
    public sealed class BuildException(string message) : Exception(message);

    /// <summary>Publishes <paramref name="project"/> into <paramref name="publishDirectory"/>; throws <see cref="BuildException"/> with the build's errors.</summary>
    public static async Task PublishAsync(string project, string publishDirectory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(DotnetMuxer.Path)
        {
            ArgumentList = { "publish", project, "-c", "Release", "-o", publishDirectory, "--nologo", "-v", "quiet", "-clp:ErrorsOnly;NoSummary" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var publish = Process.Start(start) ?? throw new BuildException($"Could not start {DotnetMuxer.Path}.");
        var output = publish.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = publish.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await publish.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            publish.Kill(entireProcessTree: true);
            throw;
        }

        if (publish.ExitCode != 0)
        {
            var lines = ((await output) + (await errors)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            throw new BuildException($"'dotnet publish {project}' failed: {string.Join(" ", lines.Take(5))}");
        }
    }

    /// <summary>Packs the published worker as the gem <paramref name="name"/>@<paramref name="version"/> (the assembly's own version when null).</summary>
    public static (byte[] Archive, GemManifest Manifest, IReadOnlyList<string> Assemblies) Pack(string publishDirectory, string name, string? version, string? workerType)
    {
        var assemblies = Directory.GetFiles(publishDirectory, "*.dll");
        using var metadata = new MetadataLoadContext(new PathAssemblyResolver([.. Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll"), .. assemblies]));
        var candidates = assemblies
            .Where(path => !HostShips(path))
            .SelectMany(path => WorkersIn(metadata, path))
            .Where(worker => workerType is null || worker.Type.FullName == workerType || worker.Type.Name == workerType)
            .ToList();
        var (type, contract) = candidates.Count switch
        {
            1 => candidates[0],
            0 => throw new BuildException(workerType is null
                ? $"The published project has no worker: no public class implements a [MeshWorker] interface."
                : $"The published project has no worker class '{workerType}' implementing a [MeshWorker] interface."),
            _ => throw new BuildException($"The project has {candidates.Count} workers ({string.Join(", ", candidates.Select(c => c.Type.FullName))}); name one with --worker."),
        };
        var (wireName, hash) = ContractIdentity(contract);
        var manifest = new GemManifest
        {
            Name = name,
            Version = version ?? AssemblyVersion(type.Assembly),
            Contract = wireName,
            ContractHash = hash,
            EntryAssembly = Path.GetFileName(type.Assembly.Location),
            WorkerType = type.FullName!,
        };
        var packed = assemblies.Where(path => !HostShips(path)).Order(StringComparer.Ordinal).ToList();
        return (GemArchive.Pack(manifest, packed), manifest, [.. packed.Select(Path.GetFileName).OfType<string>()]);
    }

    // The worker host loads its own copy of these whatever a gem carries (GemLoadContext), so a gem need not carry them.
    private static bool HostShips(string assembly) => File.Exists(Path.Combine(AppContext.BaseDirectory, "workerhost", Path.GetFileName(assembly)));

    private static IEnumerable<(Type Type, Type Contract)> WorkersIn(MetadataLoadContext metadata, string path)
    {
        Type[] types;
        try
        {
            types = metadata.LoadFromAssemblyPath(path).GetTypes();
        }
        catch (Exception ex) when (ex is BadImageFormatException or ReflectionTypeLoadException or FileNotFoundException)
        {
            // Not an assembly (a native library), or one whose dependencies were not published: it holds no worker.
            yield break;
        }

        foreach (var worker in WorkerMetadata.WorkersIn(types))
        {
            yield return worker;
        }
    }

    private static (string WireName, string Hash) ContractIdentity(Type contract) =>
        WorkerMetadata.ContractIdentity(contract) ?? throw new BuildException(
            $"{contract.FullName} has no generated MeshRpc contract: its project must reference the MeshRpc generator (MeshRpc.Generators as an analyzer).");

    private static string AssemblyVersion(Assembly assembly)
    {
        var informational = assembly.CustomAttributes
            .FirstOrDefault(a => a.AttributeType.FullName == typeof(AssemblyInformationalVersionAttribute).FullName)?
            .ConstructorArguments.FirstOrDefault().Value as string;

        // The SDK appends '+' and the source commit; a gem's version is the release part.
        return informational?.Split('+')[0] is { Length: > 0 } release ? release : assembly.GetName().Version?.ToString(3) ?? "1.0.0";
    }
}
