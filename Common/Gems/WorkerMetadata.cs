using System.Reflection;

namespace MeshRpc.Gems;

/// <summary>
/// Finds a worker and its contract in assemblies read as metadata only (a <c>MetadataLoadContext</c>): nothing of them
/// runs. Shared by <c>gem build</c>, which reads a published project, and the node agent, which checks what a compile
/// sandbox returned before it trusts it.
/// </summary>
internal static class WorkerMetadata
{
    private const string MeshWorkerAttribute = "MeshRpc.MeshWorkerAttribute";

    /// <summary>
    /// Each class of <paramref name="types"/> (public ones only, when <paramref name="publicOnly"/>) with a [MeshWorker]
    /// interface it implements, ghost proxies aside.
    /// </summary>
    public static IEnumerable<(Type Type, Type Contract)> WorkersIn(IEnumerable<Type> types, bool publicOnly = true)
    {
        foreach (var type in types.Where(t => t is { IsClass: true, IsAbstract: false } && (t.IsPublic || !publicOnly) && !DerivesFrom(t, "MeshRpc.GhostProxy")))
        {
            foreach (var contract in type.GetInterfaces().Where(i => i.CustomAttributes.Any(a => a.AttributeType.FullName == MeshWorkerAttribute)))
            {
                yield return (type, contract);
            }
        }
    }

    /// <summary>
    /// The contract's wire name and hash, which the generator puts in constants beside a <c>Descriptor</c> of type
    /// <c>MeshContract&lt;TContract&gt;</c>; null when its assembly has no generated contract for it.
    /// </summary>
    public static (string WireName, string Hash)? ContractIdentity(Type contract)
    {
        foreach (var type in contract.Assembly.GetTypes())
        {
            var descriptor = type.GetField("Descriptor", BindingFlags.Public | BindingFlags.Static);
            if (descriptor?.FieldType is { IsGenericType: true } fieldType
                && fieldType.GetGenericTypeDefinition().FullName == "MeshRpc.MeshContract`1"
                && fieldType.GetGenericArguments()[0] == contract
                && type.GetField("Name")?.GetRawConstantValue() is string wireName
                && type.GetField("Hash")?.GetRawConstantValue() is string hash)
            {
                return (wireName, hash);
            }
        }

        return null;
    }

    private static bool DerivesFrom(Type type, string baseName)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (current.FullName == baseName)
            {
                return true;
            }
        }

        return false;
    }
}
