using System.Text.RegularExpressions;

namespace MeshRpc.IntegrationTests.Cli;

/// <summary>Every verb of x-hauki-core answers <c>--help</c> with its usage and examples, and none is left out of the list here.</summary>
public sealed partial class HelpTests
{
    private static readonly string[] Verbs =
    [
        "up", "gateway", "agent", "nodes", "workers", "pool", "summon", "call", "kill", "logs",
        "token create", "gem build", "gem push", "gem ls", "gem inspect", "ticket inspect", "completion",
    ];

    [Fact]
    public async Task EveryVerb_HasHelpWithExamples()
    {
        foreach (var verb in Verbs)
        {
            var help = await CliRun.RunAsync(null, null, [.. verb.Split(' '), "--help"]);

            Assert.True(help.ExitCode == 0, $"'{verb} --help' exited {help.ExitCode}:\n{help.Output}");
            Assert.Contains("Usage:", help.Output, StringComparison.Ordinal);
            Assert.Matches(ExamplesOf(verb), help.Output);
        }
    }

    [Fact]
    public async Task TheListHere_NamesEveryVerbTheToolHas()
    {
        var verbs = new List<string>();
        foreach (var group in await CommandsOfAsync())
        {
            var subcommands = await CommandsOfAsync(group);
            verbs.AddRange(subcommands.Count == 0 ? [group] : subcommands.Select(s => $"{group} {s}"));
        }

        Assert.Equal(Verbs.Order(StringComparer.Ordinal), verbs.Order(StringComparer.Ordinal));
    }

    // The names under "Commands:" in a command's help.
    private static async Task<List<string>> CommandsOfAsync(string? command = null)
    {
        var help = (await CliRun.RunAsync(null, null, command is null ? ["--help"] : [command, "--help"])).Output;
        var section = help.IndexOf("Commands:", StringComparison.Ordinal);
        return section < 0 ? [] : [.. CommandLine().Matches(help[section..]).Select(m => m.Groups["name"].Value)];
    }

    private static Regex ExamplesOf(string verb) => new($@"Examples:\s*\n.*x-hauki-core {Regex.Escape(verb)}\b");

    [GeneratedRegex(@"^  (?<name>[a-z]+)\b", RegexOptions.Multiline)]
    private static partial Regex CommandLine();
}
