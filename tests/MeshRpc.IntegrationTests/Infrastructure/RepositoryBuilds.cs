namespace MeshRpc.IntegrationTests.Infrastructure;

/// <summary>
/// Tests that build the repository's own projects in Release (pack, publish, <c>gem build</c>) run one at a time: each
/// builds the shared libraries into the same <c>obj/Release</c> folders, and two builds writing there at once break both.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RepositoryBuilds
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Builds of the repository's projects";
}
