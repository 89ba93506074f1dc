using System.Reflection;

namespace MeshRpc.IntegrationTests.Infrastructure;

/// <summary>Where the source tree is, for tests that build samples or compare checked-in files.</summary>
internal static class RepoPaths
{
    /// <summary>The repository root, recorded at build time (see the project file).</summary>
    public static string Root { get; } = typeof(RepoPaths).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;
}
