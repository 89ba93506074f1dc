using System.Reflection;
using System.Runtime.Loader;

namespace MeshRpc.WorkerHost;

/// <summary>
/// Loads a gem's assemblies in isolation, except those the host itself ships (MeshRpc, the framework):
/// those must be the host's copies so contracts and the runtime share one identity.
/// </summary>
internal sealed class GemLoadContext : AssemblyLoadContext
{
    private readonly string _gemDirectory;

    public GemLoadContext(string gemDirectory)
        : base("gem", isCollectible: false) => _gemDirectory = gemDirectory;

    /// <summary>The files of the host's own dependency graph (its trusted platform assemblies).</summary>
    public static IReadOnlyList<string> HostAssemblyPaths { get; } = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? string.Empty)
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The simple names of <see cref="HostAssemblyPaths"/>.</summary>
    public static IReadOnlySet<string> HostAssemblies { get; } = HostAssemblyPaths
        .Select(Path.GetFileNameWithoutExtension)
        .OfType<string>()
        .ToHashSet(StringComparer.OrdinalIgnoreCase);

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is null || HostAssemblies.Contains(assemblyName.Name))
        {
            return null;
        }

        var candidate = Path.Combine(_gemDirectory, assemblyName.Name + ".dll");
        return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
    }
}
