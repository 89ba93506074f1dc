namespace MeshRpc.Cli.Workers;

/// <summary>What <c>gem build --json</c> prints: the gem file and what it holds.</summary>
internal sealed record BuiltGem(string File, string Pointer, string Digest, long Size, string Contract, string ContractHash, string WorkerType, IReadOnlyList<string> Assemblies);
