using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace MeshRpc.Generators;

/// <summary>
/// What MeshRpc's build targets tell the generator in a project that runs on the JIT (contract types without JSON
/// metadata serialize by reflection), for compilations made without MSBuild: summoned source in the worker host, and
/// <c>x-hauki-core summon --source</c> learning the contract's hash from the same source.
/// </summary>
public sealed class JitProjectOptions : AnalyzerConfigOptionsProvider
{
    /// <summary>The one instance.</summary>
    public static readonly JitProjectOptions Instance = new();

    private JitProjectOptions()
    {
    }

    /// <inheritdoc />
    public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(MeshWorkerGenerator.ReflectionJsonProperty, "true");

    /// <inheritdoc />
    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.None;

    /// <inheritdoc />
    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Options.None;

    private sealed class Options(string? key, string? value) : AnalyzerConfigOptions
    {
        public static readonly Options None = new(null, null);

        // netstandard2.0 has no NotNullWhen to repeat the base's promise with; the value is non-null exactly when this returns true.
#pragma warning disable CS8765
        public override bool TryGetValue(string name, out string? found)
#pragma warning restore CS8765
        {
            found = name == key ? value : null;
            return found is not null;
        }
    }
}
