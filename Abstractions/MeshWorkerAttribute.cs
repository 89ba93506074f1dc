namespace MeshRpc;

/// <summary>Marks an interface as a MeshRpc worker contract: the generator emits its ghost proxy, dispatcher and contract hash.</summary>
[AttributeUsage(AttributeTargets.Interface, Inherited = false, AllowMultiple = false)]
public sealed class MeshWorkerAttribute : Attribute
{
}
