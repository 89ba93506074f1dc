using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MeshRpc.Wire;
using MeshRpc.Hosting;

namespace MeshRpc;

/// <summary>What the generator knows about one <c>[MeshWorker]</c> interface: its wire identity and how to serve and call it.</summary>
public abstract class MeshContract
{
    private protected MeshContract(string name, string hash, Type contractType, IJsonTypeInfoResolver? jsonTypes)
    {
        Name = name;
        Hash = hash;
        ContractType = contractType;
        JsonOptions = MeshJson.CreateOptions(jsonTypes);
    }

    /// <summary>The contract's wire name: the interface's full name.</summary>
    public string Name { get; }

    /// <summary>Stable hash of the contract's wire shape; caller and worker must agree on it.</summary>
    public string Hash { get; }

    /// <summary>The interface this contract describes.</summary>
    public Type ContractType { get; }

    /// <summary>How the contract's arguments and results are serialized: source-generated metadata only.</summary>
    public JsonSerializerOptions JsonOptions { get; }

    /// <summary>Registers the contract's methods on a worker-side connection, dispatching to <paramref name="target"/>.</summary>
    public abstract void Attach(MeshDispatcher dispatcher, object target);
}

/// <summary>The contract of <typeparamref name="T"/>, created by generated code.</summary>
public sealed class MeshContract<T> : MeshContract
    where T : class
{
    private readonly Func<WorkerConnection, T> _createProxy;
    private readonly Action<MeshDispatcher, T> _attach;

    /// <summary>Creates the descriptor; called only from generated code.</summary>
    public MeshContract(string name, string hash, Func<WorkerConnection, T> createProxy, Action<MeshDispatcher, T> attach, IJsonTypeInfoResolver? jsonTypes = null)
        : base(name, hash, typeof(T), jsonTypes)
    {
        _createProxy = createProxy;
        _attach = attach;
    }

    /// <summary>Wraps a connected worker in the generated ghost proxy.</summary>
    public T CreateProxy(WorkerConnection connection) => _createProxy(connection);

    /// <inheritdoc />
    public override void Attach(MeshDispatcher dispatcher, object target)
    {
        if (target is not T typed)
        {
            throw new ArgumentException($"The worker object {target.GetType().FullName} does not implement the contract {Name}.", nameof(target));
        }

        _attach(dispatcher, typed);
    }
}
