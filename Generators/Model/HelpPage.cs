using System;
using Microsoft.CodeAnalysis;

namespace MeshRpc.Generators.Model;

/// <summary>
/// Where a diagnostic's help link points: docs/diagnostics.md, as a file the build names (MeshRpc's targets pass the
/// copy in the package, or the repository's own) or a URL an organization hosts it at. Each row has an anchor: its id.
/// </summary>
internal readonly record struct HelpPage(string? Uri)
{
    /// <summary>The MSBuild property (made visible to the compiler by MeshRpc's build targets) that names the page.</summary>
    public const string Property = "build_property.MeshRpcDiagnosticsHelp";

    /// <summary>The page named by the build property's <paramref name="value"/>: a URL, or a file path made a file URL.</summary>
    public static HelpPage From(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || !System.Uri.TryCreate(value!.Trim(), UriKind.Absolute, out var uri))
        {
            return default;
        }

        return new HelpPage(uri.AbsoluteUri);
    }

    /// <summary><paramref name="descriptor"/> with its help link set to its row on this page, or as it is when there is no page.</summary>
    public DiagnosticDescriptor Describe(DiagnosticDescriptor descriptor) => Uri is null
        ? descriptor
        : new DiagnosticDescriptor(
            descriptor.Id,
            descriptor.Title,
            descriptor.MessageFormat,
            descriptor.Category,
            descriptor.DefaultSeverity,
            descriptor.IsEnabledByDefault,
            descriptor.Description,
            Uri + "#" + descriptor.Id.ToLowerInvariant(),
            [.. descriptor.CustomTags]);
}
