using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace MeshRpc.Generators.TypeScript;

/// <summary>
/// The TypeScript stubs of a compiled assembly, for the build step that writes them as files (a source generator can
/// add nothing but C#). The contracts come back through the generator's own <see cref="Parser"/>, read from the
/// assembly's metadata, so a stub and the ghost proxy compiled into that assembly come from one model.
/// </summary>
internal static class StubFiles
{
    /// <summary>One stub: its file name and text.</summary>
    internal sealed record StubFile(string FileName, string Text);

    /// <summary>The stub of every [MeshWorker] interface <paramref name="assembly"/> declares (contracts with errors have none: the compiler reported them).</summary>
    public static IEnumerable<StubFile> Of(IAssemblySymbol assembly, CancellationToken cancellationToken)
    {
        var namespaces = new Stack<INamespaceSymbol>();
        namespaces.Push(assembly.GlobalNamespace);
        while (namespaces.Count > 0)
        {
            var current = namespaces.Pop();
            foreach (var child in current.GetNamespaceMembers())
            {
                namespaces.Push(child);
            }

            foreach (var type in Types(current.GetTypeMembers()))
            {
                if (type.TypeKind == TypeKind.Interface && ContractAttribute(type) is { } attribute
                    && Parser.Parse(type, attribute, cancellationToken).Model is { } model)
                {
                    yield return new StubFile(model.TypeScript.FileName, TypeScriptEmitter.Emit(model));
                }
            }
        }
    }

    private static IEnumerable<INamedTypeSymbol> Types(IEnumerable<INamedTypeSymbol> types)
    {
        foreach (var type in types)
        {
            yield return type;
            foreach (var nested in Types(type.GetTypeMembers()))
            {
                yield return nested;
            }
        }
    }

    private static AttributeData? ContractAttribute(INamedTypeSymbol type)
    {
        foreach (var attribute in type.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == MeshWorkerGenerator.AttributeName)
            {
                return attribute;
            }
        }

        return null;
    }
}
