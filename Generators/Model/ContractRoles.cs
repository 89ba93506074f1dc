using System;
using Microsoft.CodeAnalysis;

namespace MeshRpc.Generators.Model;

/// <summary>
/// Which ends of a contract a project generates, from the MeshRpc packages it references: a ghost proxy when it
/// references MeshRpc.Client (it calls workers), a dispatcher when it references MeshRpc.Hosting (it serves them).
/// </summary>
[Flags]
internal enum ContractRoles
{
    None = 0,
    Caller = 1,
    Worker = 2,
}

internal static class ContractRolesExtensions
{
    public static ContractRoles Of(Compilation compilation) =>
        (compilation.GetTypeByMetadataName("MeshRpc.GhostProxy") is null ? ContractRoles.None : ContractRoles.Caller) |
        (compilation.GetTypeByMetadataName("MeshRpc.Hosting.MeshDispatcher") is null ? ContractRoles.None : ContractRoles.Worker);
}
