using System.CommandLine;
using System.CommandLine.Parsing;
using MeshRpc.Cli.Commands;

namespace MeshRpc.Cli;

/// <summary>The command line: every verb, parsed by System.CommandLine, with one exit code per kind of failure.</summary>
internal static class XHaukiCore
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("x-hauki-core: run a MeshRpc mesh and operate it (nodes, workers, warm pools).")
        {
            UpCommand.Create(),
            ServeCommands.Gateway(),
            ServeCommands.Agent(),
            NodesCommand.Create(),
            WorkersCommand.Create(),
            PoolCommand.Create(),
            SummonCommand.Create(),
            CallCommand.Create(),
            KillCommand.Create(),
            LogsCommand.Create(),
            TokenCommand.Create(),
            GemCommand.Create(),
            TicketCommand.Create(),
            CompletionCommand.Create(),
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // One line per problem, then where the usage is; the whole help would bury the line that matters.
            foreach (var error in parsed.Errors)
            {
                await Console.Error.WriteLineAsync($"x-hauki-core: {error.Message}");
            }

            await Console.Error.WriteLineAsync($"Run '{Usage(parsed)} --help' for the usage.");
            return ExitCodes.BadArgument;
        }

        // 'up' handles Ctrl+C and SIGTERM itself: System.CommandLine's own handling would end the process two seconds
        // later, before a mesh has torn its workers down.
        return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    private static string Usage(ParseResult parsed)
    {
        var names = new List<string>();
        for (SymbolResult? result = parsed.CommandResult; result is CommandResult command; result = command.Parent)
        {
            names.Insert(0, command.Command is RootCommand ? "x-hauki-core" : command.Command.Name);
        }

        return string.Join(' ', names);
    }
}
