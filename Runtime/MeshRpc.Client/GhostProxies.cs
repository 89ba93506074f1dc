using System.ComponentModel;

namespace MeshRpc;

/// <summary>
/// The generated ghost proxy of each contract this process calls. Filled by generated module initializers in
/// contract assemblies built with MeshRpc.Client referenced.
/// </summary>
public static class GhostProxies
{
    /// <summary>Registers the proxy factory of <typeparamref name="T"/>; called only from generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void Register<T>(MeshContract<T> contract, Func<WorkerConnection, T> create)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(contract);
        ArgumentNullException.ThrowIfNull(create);
        Holder<T>.Create = create;
    }

    /// <summary>Wraps a connected worker in the ghost proxy generated for <typeparamref name="T"/>.</summary>
    public static T Create<T>(WorkerConnection connection)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(connection);
        return Factory<T>()(connection);
    }

    /// <summary>The factory of <typeparamref name="T"/>'s generated ghost proxy; throws, naming the fix, when it has none.</summary>
    internal static Func<WorkerConnection, T> Factory<T>()
        where T : class
    {
        var contract = MeshContracts.Get<T>();
        return Holder<T>.Create ?? throw new InvalidOperationException(
            $"{contract.Name} has no ghost proxy: the project that declares it was built without MeshRpc.Client, so only its " +
            "worker side was generated. Reference MeshRpc.Client from that project (MeshRpcRoles 'Caller' in this repository).");
    }

    private static class Holder<T>
        where T : class
    {
        public static Func<WorkerConnection, T>? Create;
    }
}
