using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using MeshRpc.HostProtocol;
using MeshRpc.Hosting;

namespace MeshRpc.WorkerHost;

/// <summary>
/// A gem loaded into the host: its assemblies in their own context, their contracts registered, its worker type found.
/// Loading runs the gem's module initializers, so a host that has loaded one gem can never serve another.
/// </summary>
internal sealed class PreparedGem
{
    private PreparedGem(Type workerType) => WorkerType = workerType;

    public Type WorkerType { get; }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The worker host is never trimmed: it loads arbitrary gem code by design.")]
    public static PreparedGem Load(GemLocation gem)
    {
        var context = new GemLoadContext(gem.Directory);
        Assembly? entry = null;
        foreach (var path in Directory.EnumerateFiles(gem.Directory, "*.dll").Order(StringComparer.Ordinal))
        {
            if (GemLoadContext.HostAssemblies.Contains(Path.GetFileNameWithoutExtension(path)))
            {
                continue;
            }

            var assembly = context.LoadFromAssemblyPath(path);
            MeshContracts.RegisterFrom(assembly);
            if (string.Equals(Path.GetFileName(path), gem.EntryAssembly, StringComparison.Ordinal))
            {
                entry = assembly;
            }
        }

        if (entry is null)
        {
            throw new WorkerLoadException($"The gem has no entry assembly '{gem.EntryAssembly}'.");
        }

        var type = entry.GetType(gem.WorkerType, throwOnError: false) ?? throw new WorkerLoadException(
            $"The gem's entry assembly '{gem.EntryAssembly}' has no type '{gem.WorkerType}'. Check the manifest's workerType.");
        return new PreparedGem(type);
    }
}
