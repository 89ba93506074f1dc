using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("MeshRpc.Generators.Tests")]
[assembly: InternalsVisibleTo("MeshRpc.StubWriter")]
