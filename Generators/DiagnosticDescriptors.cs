using Microsoft.CodeAnalysis;

namespace MeshRpc.Generators;

/// <summary>Every diagnostic the MeshRpc generator reports. Listed with fixes in docs/diagnostics.md.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "MeshRpc";

    public static readonly DiagnosticDescriptor UnsupportedReturnType = new(
        id: "MESH001",
        title: "Unsupported return type",
        messageFormat: "Method '{0}' returns '{1}'; MeshRpc worker methods return Task, Task<T>, ValueTask or ValueTask<T>. Change the return type to one of these.",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor GenericMethod = new(
        id: "MESH002",
        title: "Generic methods are not supported",
        messageFormat: "Method '{0}' is generic; a remote call cannot carry type arguments. Replace the type parameters with concrete types.",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ByRefParameter = new(
        id: "MESH003",
        title: "ref, out and in parameters are not supported",
        messageFormat: "Parameter '{1}' of method '{0}' is passed by reference; remote calls copy values. Pass it by value and return results in the Task.",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnsupportedMember = new(
        id: "MESH004",
        title: "Only methods can be remote",
        messageFormat: "'{0}' is a {1}; a [MeshWorker] interface may only declare methods. Replace it with a method such as 'Task<T> Get{0}Async()'.",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor DuplicateWireName = new(
        id: "MESH005",
        title: "Duplicate wire name",
        messageFormat: "Methods '{0}' and '{1}' both map to the wire name '{2}'. Rename one of them.",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor GenericInterface = new(
        id: "MESH006",
        title: "Generic interfaces are not supported",
        messageFormat: "Interface '{0}' is generic; a worker contract needs one concrete wire shape. Declare a non-generic interface with concrete types.",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InaccessibleInterface = new(
        id: "MESH007",
        title: "The interface must be accessible to generated code",
        messageFormat: "Interface '{0}' is {1}; the generated proxy must be able to implement it. Make it public or internal (and its containing types too).",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NotAJsonContext = new(
        id: "MESH008",
        title: "JsonContext must be a source-generated JsonSerializerContext",
        messageFormat: "JsonContext '{0}' of '{1}' does not derive from System.Text.Json.Serialization.JsonSerializerContext. Declare 'internal partial class {0} : JsonSerializerContext' with [JsonSerializable] attributes.",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnserializableType = new(
        id: "MESH009",
        title: "A contract type has no JSON metadata",
        messageFormat: "'{0}' uses type '{1}', which MeshRpc cannot serialize without reflection. {2}.",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ReflectionSerializedType = new(
        id: "MESH012",
        title: "A contract type serializes by reflection",
        messageFormat: "'{0}' uses type '{1}', which has no JSON metadata: MeshRpc serializes it by reflection, which trimming and NativeAOT cannot do. {2} to make it reflection-free.",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidWireName = new(
        id: "MESH010",
        title: "Invalid wire name",
        messageFormat: "[MeshMethod(\"{1}\")] on '{0}' is not a valid wire name. Use a non-empty name that does not start with 'mesh.' or '$/', which the protocol reserves.",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor DuplicateJsName = new(
        id: "MESH011",
        title: "Duplicate JavaScript name",
        messageFormat: "Methods '{0}' and '{1}' both become '{2}' in the TypeScript stub. Rename one of them, so that every method has a name of its own in JavaScript.",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidTimeout = new(
        id: "MESH013",
        title: "Invalid timeout",
        messageFormat: "[MeshTimeout({1})] on '{0}' is not a timeout. Give a positive number of milliseconds.",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);
}
