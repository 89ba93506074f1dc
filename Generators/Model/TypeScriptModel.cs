namespace MeshRpc.Generators.Model;

/// <summary>The TypeScript stub of one contract: its methods and the DTO and enum declarations they use, as TypeScript text.</summary>
internal sealed record TsStubModel(
    string FileName,
    string NamespaceName,
    EquatableArray<TsMethodModel> Methods,
    EquatableArray<TsDeclarationModel> Declarations,
    EquatableArray<string> Notes);

/// <summary>One stub method: its JavaScript name, the wire name it calls, and TypeScript types for its parameters and result.</summary>
internal sealed record TsMethodModel(string Name, string WireName, ReturnKind ReturnKind, string ResultType, EquatableArray<TsParameterModel> Parameters);

/// <summary>A stub parameter; <see cref="DefaultValue"/> is the JSON literal sent when the script passes undefined.</summary>
internal sealed record TsParameterModel(string Name, string Type, string? DefaultValue);

/// <summary>An interface (a DTO) or an enum the stub declares.</summary>
internal sealed record TsDeclarationModel(string Name, bool IsEnum, string Source, EquatableArray<TsMemberModel> Members);

/// <summary>A DTO property (name and type, optional when the wire may omit it) or an enum member (name and value literal).</summary>
internal sealed record TsMemberModel(string Name, string TypeOrValue, bool Optional);
