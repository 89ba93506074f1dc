using System.Collections.Concurrent;
using System.ComponentModel;

namespace MeshRpc.Hosting;

/// <summary>
/// How each contract this process serves binds its methods to a dispatcher. Filled by generated module initializers
/// in contract assemblies built with MeshRpc.Hosting referenced.
/// </summary>
public static class MeshDispatchers
{
    private static readonly ConcurrentDictionary<MeshContract, Action<MeshDispatcher, object>> ByContract = new();

    /// <summary>Registers how <typeparamref name="T"/>'s methods attach to a dispatcher; called only from generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void Register<T>(MeshContract<T> contract, Action<MeshDispatcher, T> attach)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(contract);
        ArgumentNullException.ThrowIfNull(attach);
        ByContract[contract] = (dispatcher, target) => attach(dispatcher, target is T typed
            ? typed
            : throw new ArgumentException($"The worker object {target.GetType().FullName} does not implement the contract {contract.Name}.", nameof(target)));
    }

    /// <summary>The binder of <paramref name="contract"/>; fails when its assembly was built without MeshRpc.Hosting.</summary>
    internal static Action<MeshDispatcher, object> For(MeshContract contract) =>
        ByContract.GetValueOrDefault(contract) ?? throw new InvalidOperationException(
            $"{contract.Name} has no dispatcher: the project that declares it was built without MeshRpc.Hosting, so only its " +
            "caller side was generated. Reference MeshRpc.Hosting from that project (MeshRpcRoles 'Worker' in this repository).");
}
