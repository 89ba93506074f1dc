using StreamJsonRpc;

namespace MeshRpc;

/// <summary>What the generator knows about one <c>[MeshWorker]</c> interface: its wire identity and how to serve and call it.</summary>
public abstract class MeshContract
{
    private protected MeshContract(string name, string hash, Type contractType)
    {
        Name = name;
        Hash = hash;
        ContractType = contractType;
    }

    /// <summary>The contract's wire name: the interface's full name.</summary>
    public string Name { get; }

    /// <summary>Stable hash of the contract's wire shape; caller and worker must agree on it.</summary>
    public string Hash { get; }

    /// <summary>The interface this contract describes.</summary>
    public Type ContractType { get; }

    /// <summary>Registers the contract's methods on a worker-side connection, dispatching to <paramref name="target"/>.</summary>
    public abstract void Attach(JsonRpc rpc, object target);
}

/// <summary>The contract of <typeparamref name="T"/>, created by generated code.</summary>
public sealed class MeshContract<T> : MeshContract
    where T : class
{
    private readonly Func<WorkerConnection, T> _createProxy;
    private readonly Action<JsonRpc, T> _attach;

    /// <summary>Creates the descriptor; called only from generated code.</summary>
    public MeshContract(string name, string hash, Func<WorkerConnection, T> createProxy, Action<JsonRpc, T> attach)
        : base(name, hash, typeof(T))
    {
        _createProxy = createProxy;
        _attach = attach;
    }

    /// <summary>Wraps a connected worker in the generated ghost proxy.</summary>
    public T CreateProxy(WorkerConnection connection) => _createProxy(connection);

    /// <inheritdoc />
    public override void Attach(JsonRpc rpc, object target)
    {
        if (target is not T typed)
        {
            throw new ArgumentException($"The worker object {target.GetType().FullName} does not implement the contract {Name}.", nameof(target));
        }

        _attach(rpc, typed);
    }
}
