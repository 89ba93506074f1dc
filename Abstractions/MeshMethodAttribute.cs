namespace MeshRpc;

/// <summary>Sets a contract method's wire name, e.g. to keep callers working after a C# rename.</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = false)]
public sealed class MeshMethodAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    public MeshMethodAttribute(string name) => Name = name;

    /// <summary>The method's name on the wire.</summary>
    public string Name { get; }
}
