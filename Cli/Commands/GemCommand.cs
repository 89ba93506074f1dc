using System.CommandLine;
using System.Globalization;
using MeshRpc.ControlPlane;
using Spectre.Console;

namespace MeshRpc.Cli.Commands;

/// <summary>
/// <c>x-hauki-core gem push FILE</c>, <c>gem ls</c> and <c>gem inspect FILE</c>: publishing gems, listing the published
/// ones, and reading a gem file's manifest before it is pushed (no gateway needed).
/// </summary>
internal static class GemCommand
{
    public static Command Create() => new("gem", "Gems: content-addressed worker packages.") { Push(), List(), Inspect() };

    private static Command Push()
    {
        var file = GemFile();
        var json = Output.JsonOption();
        var push = new Command("push", "Publishes a gem file to UAH CORE's gem store; prints its pointer and digest. Needs gems:publish.") { file, json, GatewayAccess.GatewayOption };
        push.SetAction((parsed, cancellationToken) => GatewayAccess.RunAsync(parsed, async client =>
        {
            await using var archive = parsed.GetValue(file)!.OpenRead();
            var published = await client.Gateway.PublishGemAsync(archive, cancellationToken);
            if (parsed.GetValue(json))
            {
                Output.Json(published, ControlPlaneJsonContext.Default.GemPublished);
            }
            else
            {
                Console.WriteLine($"Published gem://{published.Name}@{published.Version} ({published.Digest}, {published.Size:N0} bytes), serving {published.Contract}.");
            }

            return ExitCodes.Ok;
        }));
        return push;
    }

    private static Command List()
    {
        var json = Output.JsonOption();
        var list = new Command("ls", "Lists the published gems: name, version, contract, digest, size.") { json, GatewayAccess.GatewayOption };
        list.SetAction((parsed, cancellationToken) => GatewayAccess.RunAsync(parsed, async client =>
        {
            var gems = await client.Gateway.ListGemsAsync(cancellationToken);
            if (parsed.GetValue(json))
            {
                Output.Json(gems, ControlPlaneJsonContext.Default.ListGemPublished);
                return ExitCodes.Ok;
            }

            var table = Output.Table("GEM", "CONTRACT", "DIGEST", "SIZE");
            foreach (var gem in gems)
            {
                table.AddRow(Output.Cell($"gem://{gem.Name}@{gem.Version}"), Output.Cell(gem.Contract), Output.Cell(gem.Digest), gem.Size.ToString("N0", CultureInfo.InvariantCulture));
            }

            Output.Print(table, "No gem is published.");
            return ExitCodes.Ok;
        }));
        return list;
    }

    private static Command Inspect()
    {
        var file = GemFile();
        var json = Output.JsonOption();
        var inspect = new Command("inspect", "Reads a gem file's manifest and checks the archive as UAH CORE will, without sending it anywhere.") { file, json };
        inspect.SetAction(parsed =>
        {
            var path = parsed.GetValue(file)!;
            var archive = File.ReadAllBytes(path.FullName);
            GemManifest manifest;
            try
            {
                manifest = GemArchive.ReadManifest(archive);
            }
            catch (InvalidDataException ex)
            {
                return GatewayAccess.Fail(ExitCodes.BadArgument, $"{path.Name} is not a gem UAH CORE would take: {ex.Message}");
            }

            if (parsed.GetValue(json))
            {
                Output.Json(manifest, ControlPlaneJsonContext.Default.GemManifest);
                return ExitCodes.Ok;
            }

            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow("pointer", Output.Cell($"gem://{manifest.Name}@{manifest.Version}"));
            grid.AddRow("digest", Output.Cell(GemArchive.Digest(archive)));
            grid.AddRow("size", $"{archive.Length:N0} bytes");
            grid.AddRow("contract", Output.Cell(manifest.Contract));
            grid.AddRow("contract hash", Output.Cell(manifest.ContractHash));
            grid.AddRow("worker", Output.Cell($"{manifest.WorkerType} in {manifest.EntryAssembly}"));
            grid.AddRow("native host", Output.Cell(manifest.Native is { } native ? $"{native.Executable} ({native.Platform})" : "none"));
            Output.Write(grid);
            return ExitCodes.Ok;
        });
        return inspect;
    }

    private static Argument<FileInfo> GemFile()
    {
        var file = new Argument<FileInfo>("file") { Description = "The gem file (a zip with manifest.json at its root)." };
        file.AcceptExistingOnly();
        return file;
    }
}
