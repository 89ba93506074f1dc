namespace MeshRpc;

/// <summary>Marks an interface as a MeshRpc worker contract: the generator emits its ghost proxy, dispatcher and contract hash.</summary>
[AttributeUsage(AttributeTargets.Interface, Inherited = false, AllowMultiple = false)]
public sealed class MeshWorkerAttribute : Attribute
{
    /// <summary>
    /// A source-generated <c>JsonSerializerContext</c> with <c>[JsonSerializable]</c> for each parameter and result type that
    /// MeshRpc does not know already (records, classes, enums, collections of them). Not needed for primitives.
    /// </summary>
    public Type? JsonContext { get; set; }
}
