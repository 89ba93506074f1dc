using System.CommandLine;
using MeshRpc.Cli.Workers;
using MeshRpc.ControlPlane;
using Spectre.Console;

namespace MeshRpc.Cli.Commands;

/// <summary>
/// <c>x-hauki-core summon GEM</c> or <c>summon --source FILE.cs [--contract NAME]</c>: summons a worker and holds it in
/// the foreground, as a caller does (connected, heartbeating), until Ctrl+C or SIGTERM tears it down. Meanwhile its
/// ticket waits in this user's ticket directory for <c>call</c>. A worker lives only while a caller holds it; this
/// command is that caller.
/// </summary>
internal static class SummonCommand
{
    public static Command Create()
    {
        var gem = new Argument<string?>("gem") { Description = "The gem to run: gem://name@version or sha256:<digest> ('x-hauki-core gem ls' lists them).", Arity = ArgumentArity.ZeroOrOne };
        var source = new Option<FileInfo>("--source") { Description = "Run raw C# source instead: a file holding the contract ([MeshWorker] interface) and a class implementing it. Needs summon:source." };
        source.AcceptExistingOnly();
        var contract = new Option<string?>("--contract") { Description = "With --source: the contract to serve, when the file declares several (its interface name or full name)." };
        var labels = new Option<string[]>("--label") { Description = "A label the node must carry (repeatable).", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [] };
        var memory = new Option<int?>("--memory") { Description = "Memory the worker needs, in MiB (the node's default share when not given)." };
        var json = new Option<bool>("--json") { Description = "Once the worker is up, print one line of JSON: {workerId, contract, nodeId, ticketFile, placementMs, forgeMs}." };
        var command = new Command("summon", "Summons a worker (a gem, or raw C# source) and holds it until Ctrl+C: call it, read its logs or kill it from another shell meanwhile.")
        {
            gem, source, contract, labels, memory, json, GatewayAccess.GatewayOption,
        };
        command.Validators.Add(result =>
        {
            var (namesGem, namesSource) = (result.GetValue(gem) is not null, result.GetValue(source) is not null);
            if (SummonRules.TargetProblem(namesGem, namesSource) is not null)
            {
                result.AddError("Name what to summon: a gem (x-hauki-core summon gem://name@version) or a source file (--source FILE.cs), not both.");
            }
            else if (result.GetValue(contract) is not null && !namesSource)
            {
                result.AddError("--contract goes with --source: a gem names its own contract.");
            }
            else if (namesGem && !GemPointer.TryParse(result.GetValue(gem), out _))
            {
                result.AddError($"'{result.GetValue(gem)}' is not a gem pointer: give gem://name@version or sha256:<64 hex digits>.");
            }
        });
        command.Examples("x-hauki-core summon gem://calculator@1.0.0", "x-hauki-core summon --source Calculator.cs --json");
        command.SetAction((parsed, cancellationToken) => GatewayAccess.RunAsync(parsed, async client =>
        {
            var sourceFile = parsed.GetValue(source);
            var request = new SummonRequest
            {
                Gem = parsed.GetValue(gem) is { } pointer ? GemPointer.Parse(pointer) : null,
                SourceCode = sourceFile is null ? null : await File.ReadAllTextAsync(sourceFile.FullName, cancellationToken),
                RequiredLabels = parsed.GetValue(labels)!,
                MemoryMb = parsed.GetValue(memory),
            };
            var (served, exitCode) = request.Gem is { } wanted
                ? await GemContractAsync(client, wanted, cancellationToken)
                : await SourceContractOf(request.SourceCode!, sourceFile!.Name, parsed.GetValue(contract));
            return served is null ? exitCode : await HeldWorker.SummonAndHoldAsync(client, served, request, parsed.GetValue(json), cancellationToken);
        }));
        return command;
    }

    private static async Task<(MeshContract? Contract, int ExitCode)> GemContractAsync(MeshClient client, GemPointer pointer, CancellationToken cancellationToken)
    {
        var gems = await client.Gateway.ListGemsAsync(cancellationToken);
        var gem = gems.FirstOrDefault(g => pointer.Digest is { } digest ? g.Digest == digest : g.Name == pointer.Name && g.Version == pointer.Version);
        return gem is null
            ? (null, GatewayAccess.Fail(ExitCodes.NotFound, $"No gem {pointer} is published: 'x-hauki-core gem ls' lists the published ones, 'x-hauki-core gem push FILE' publishes one."))
            : (MeshContract.ForWire(gem.Contract, gem.ContractHash), ExitCodes.Ok);
    }

    private static async Task<(MeshContract? Contract, int ExitCode)> SourceContractOf(string source, string fileName, string? name)
    {
        // Compiling takes a second or two: long enough to say what is happening.
        var (found, problem) = await Output.ProgressAsync($"Reading the contract of {fileName}…", () => Task.Run(() => SourceContract.Find(source, fileName, name)));
        return found is null ? (null, GatewayAccess.Fail(ExitCodes.BadArgument, problem!)) : (found, ExitCodes.Ok);
    }
}
