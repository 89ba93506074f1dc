using MeshRpc.Gateway.Registry;

namespace MeshRpc.Gateway.Tests.Registry;

/// <summary>The registry's scenarios over one gateway's memory.</summary>
public sealed class InMemoryNodeRegistryTests() : NodeRegistryTests(time => new InMemoryRegistryStore(time));
