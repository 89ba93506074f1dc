namespace MeshRpc.Generators.Model;

/// <summary>
/// What the parser made of one [MeshWorker] interface: its model unless it has errors, the errors, and the types that
/// have no JSON metadata (as MESH009 diagnostics, which the pipeline keeps or turns into MESH012 warnings).
/// </summary>
internal sealed record ParsedContract(ContractModel? Model, EquatableArray<DiagnosticInfo> Diagnostics, EquatableArray<DiagnosticInfo> JsonGaps);

/// <summary>
/// Everything the emitter needs about one [MeshWorker] interface; strings only, so it compares by value.
/// <paramref name="ReflectionJson"/>: some of its types have no JSON metadata and serialize by reflection.
/// </summary>
internal sealed record ContractModel(
    string? Namespace,
    string InterfaceType,
    string ContractName,
    string ProxyName,
    string ContractClassName,
    string HintName,
    string Hash,
    string? JsonContextType,
    EquatableArray<MethodModel> Methods,
    TsStubModel TypeScript,
    bool ReflectionJson);

/// <summary>How a method returns, which decides how the proxy awaits the call.</summary>
internal enum ReturnKind
{
    Task,
    TaskOfT,
    ValueTask,
    ValueTaskOfT,

    /// <summary>A one-way notification: the caller does not wait for the worker.</summary>
    Void,

    /// <summary>A stream of results pulled item by item.</summary>
    AsyncEnumerable,
}

/// <summary>One contract method: <paramref name="WireName"/> is its JSON-RPC name, <paramref name="JsName"/> its TypeScript stub's.</summary>
internal sealed record MethodModel(
    string Name,
    string WireName,
    string JsName,
    string DeclaringInterface,
    ReturnKind ReturnKind,
    string ReturnType,
    string? ResultType,
    string? WireResultType,
    EquatableArray<ParameterModel> Parameters)
{
    /// <summary>The method's <c>[MeshTimeout]</c>, else its contract's, in milliseconds; null when neither says.</summary>
    public int? TimeoutMs { get; init; }
}

/// <summary>One method parameter; the cancellation token travels as JSON-RPC cancellation, not as an argument.</summary>
internal sealed record ParameterModel(string Name, string Type, string WireType, bool IsCancellationToken);
