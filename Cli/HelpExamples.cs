using System.CommandLine;

namespace MeshRpc.Cli;

/// <summary>Examples on a verb's <c>--help</c>: System.CommandLine prints a command's description first, so they go at its end.</summary>
internal static class HelpExamples
{
    /// <summary>Adds <paramref name="examples"/> to <paramref name="command"/>'s help.</summary>
    public static void Examples(this Command command, params string[] examples) =>
        command.Description += Environment.NewLine + Environment.NewLine + "Examples:" + string.Concat(examples.Select(e => Environment.NewLine + "  " + e));
}
