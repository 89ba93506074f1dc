using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MeshRpc.Wire;

namespace MeshRpc;

/// <summary>
/// What the generator knows about one <c>[MeshWorker]</c> interface: its wire identity and how its values serialize.
/// How to call it (the ghost proxy, in MeshRpc.Client) and how to serve it (the dispatcher, in MeshRpc.Hosting) are
/// registered beside it, by whichever of those packages the contract's project references.
/// </summary>
public abstract class MeshContract
{
    private protected MeshContract(string name, string hash, Type contractType, IJsonTypeInfoResolver? jsonTypes)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(hash);
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

    /// <summary>
    /// A contract known only by its wire identity (as a ticket names it), for tools with no generated proxy that call
    /// methods by wire name with JSON values (<c>WorkerConnection.InvokeAsync</c> in MeshRpc.Client).
    /// Its <see cref="ContractType"/> is <see cref="object"/>: no interface describes it here.
    /// </summary>
    public static MeshContract ForWire(string name, string hash) => new WireContract(name, hash);

    private sealed class WireContract(string name, string hash) : MeshContract(name, hash, typeof(object), jsonTypes: null);
}

/// <summary>The contract of <typeparamref name="T"/>, created by generated code.</summary>
public sealed class MeshContract<T> : MeshContract
    where T : class
{
    /// <summary>Creates the descriptor; called only from generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public MeshContract(string name, string hash, IJsonTypeInfoResolver? jsonTypes = null)
        : base(name, hash, typeof(T), jsonTypes)
    {
    }
}
