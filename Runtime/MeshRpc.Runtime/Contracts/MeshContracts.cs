using System.Collections.Concurrent;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace MeshRpc;

/// <summary>
/// The contracts known to this process. Generated module initializers register them, so neither the
/// client nor the worker host has to search types by reflection.
/// </summary>
public static class MeshContracts
{
    private static readonly ConcurrentDictionary<string, MeshContract> ByName = new(StringComparer.Ordinal);

    /// <summary>Registers a contract; called from generated module initializers.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void Register<T>(MeshContract<T> contract)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(contract);
        Holder<T>.Contract = contract;
        ByName[contract.Name] = contract;
    }

    /// <summary>The contract generated for <typeparamref name="T"/>.</summary>
    public static MeshContract<T> Get<T>()
        where T : class
    {
        if (Holder<T>.Contract is { } registered)
        {
            return registered;
        }

        // A module initializer runs when its module is first touched; naming T alone may not touch it. It also
        // registers the contract's proxy and dispatcher, so those registries need only this call to be filled.
        RuntimeHelpers.RunModuleConstructor(typeof(T).Module.ModuleHandle);
        return Holder<T>.Contract ?? throw new InvalidOperationException(
            $"{typeof(T).FullName} has no MeshRpc contract. Mark the interface with [MeshWorker] and make sure its project " +
            "references the MeshRpc generator (MeshRpc.Generators as an analyzer).");
    }

    /// <summary>Finds a registered contract by wire name.</summary>
    public static MeshContract? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>Runs the module initializers of an assembly loaded at run time, so its contracts are registered.</summary>
    public static void RegisterFrom(System.Reflection.Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
    }

    private static class Holder<T>
        where T : class
    {
        public static MeshContract<T>? Contract;
    }
}
