using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace MeshRpc.Generators.Model;

/// <summary>A diagnostic stripped of symbols and syntax trees, so it can travel through a cached pipeline.</summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, string? FilePath, TextSpan Span, LinePositionSpan LineSpan, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params string[] arguments)
    {
        var lineSpan = location?.GetLineSpan();
        return new DiagnosticInfo(
            descriptor,
            location?.SourceTree?.FilePath,
            location?.SourceSpan ?? default,
            lineSpan?.Span ?? default,
            arguments.ToEquatableArray());
    }

    /// <summary>The same finding, reported under <paramref name="descriptor"/> (for example as a warning rather than an error).</summary>
    public DiagnosticInfo As(DiagnosticDescriptor descriptor) => this with { Descriptor = descriptor };

    /// <summary>The diagnostic, with a help link to its row in <paramref name="helpPage"/> (docs/diagnostics.md) when the build names one.</summary>
    public Diagnostic ToDiagnostic(HelpPage helpPage)
    {
        var location = FilePath is null ? Location.None : Location.Create(FilePath, Span, LineSpan);
        return Diagnostic.Create(helpPage.Describe(Descriptor), location, Arguments.AsSpan().ToArray());
    }
}
