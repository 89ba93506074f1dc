using System.CommandLine;
using System.Globalization;
using MeshRpc.Cli.Workers;
using MeshRpc.ControlPlane;
using Spectre.Console;

namespace MeshRpc.Cli.Commands;

/// <summary>
/// <c>x-hauki-core gem push FILE</c>, <c>gem ls</c> and <c>gem inspect FILE</c>: publishing gems, listing the published
/// ones, and reading a gem file's manifest before it is pushed (no gateway needed).
/// </summary>
internal static class GemCommand
{
    public static Command Create() => new("gem", "Gems: content-addressed worker packages.") { Build(), Push(), List(), Inspect() };

    private static Command Build()
    {
        var project = new Argument<string>("project") { Description = "The worker project: its .csproj, or the directory holding it." };
        var name = new Option<string?>("--name") { Description = "The gem's name (default: the project's name in lowercase)." };
        var version = new Option<string?>("--version") { Description = "The gem's version (default: the worker assembly's version)." };
        var worker = new Option<string?>("--worker") { Description = "The worker class, when the project has several." };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Where to write the gem (default: NAME-VERSION.gem here)." };
        var json = Output.JsonOption();
        var build = new Command("build", "Publishes a worker project (dotnet publish) and packs it into a gem file, ready for 'gem push'.") { project, name, version, worker, output, json };
        build.Examples("x-hauki-core gem build samples/Quickstart.Worker --name calculator", "x-hauki-core gem build Worker.csproj -o worker.gem && x-hauki-core gem push worker.gem");
        build.SetAction(async (parsed, cancellationToken) =>
        {
            var path = Path.GetFullPath(parsed.GetValue(project)!);
            var projectFile = File.Exists(path) ? path : Directory.Exists(path) ? Directory.GetFiles(path, "*.csproj").SingleOrDefault() : null;
            if (projectFile is null)
            {
                return GatewayAccess.Fail(ExitCodes.BadArgument, $"{parsed.GetValue(project)} is not a project: give a .csproj, or a directory holding exactly one.");
            }

            var gemName = parsed.GetValue(name) ?? Path.GetFileNameWithoutExtension(projectFile).ToLowerInvariant();
            var publishDirectory = Directory.CreateTempSubdirectory("x-hauki-core-gem-").FullName;
            try
            {
                var (archive, manifest, assemblies) = await Output.ProgressAsync($"Publishing {Path.GetFileName(projectFile)} (dotnet publish)…", async next =>
                {
                    await GemBuilder.PublishAsync(projectFile, publishDirectory, cancellationToken);
                    next("Packing the gem…");
                    return GemBuilder.Pack(publishDirectory, gemName, parsed.GetValue(version), parsed.GetValue(worker));
                });
                var pointer = $"gem://{manifest.Name}@{manifest.Version}";
                if (!GemPointer.TryParse(pointer, out _))
                {
                    return GatewayAccess.Fail(ExitCodes.BadArgument, $"'{pointer}' is not a gem pointer UAH CORE takes: give --name in lowercase letters, digits, '.', '_' and '-', and --version like 1.0.0.");
                }

                var file = parsed.GetValue(output)?.FullName ?? Path.GetFullPath($"{manifest.Name}-{manifest.Version}.gem");
                await File.WriteAllBytesAsync(file, archive, cancellationToken);
                var built = new BuiltGem(file, pointer, GemArchive.Digest(archive), archive.Length, manifest.Contract, manifest.ContractHash, manifest.WorkerType, assemblies);
                if (parsed.GetValue(json))
                {
                    Output.Json(built, CliJsonContext.Default.BuiltGem);
                }
                else
                {
                    Console.WriteLine($"Built {pointer} into {file} ({built.Digest}, {built.Size:N0} bytes): {manifest.WorkerType} serving {manifest.Contract}.");
                    Console.WriteLine($"Publish it: x-hauki-core gem push {file}");
                }

                return ExitCodes.Ok;
            }
            catch (GemBuilder.BuildException ex)
            {
                return GatewayAccess.Fail(ExitCodes.Failed, ex.Message);
            }
            finally
            {
                Directory.Delete(publishDirectory, recursive: true);
            }
        });
        return build;
    }

    private static Command Push()
    {
        var file = GemFile();
        var json = Output.JsonOption();
        var push = new Command("push", "Publishes a gem file to UAH CORE's gem store; prints its pointer and digest. Needs gems:publish.") { file, json, GatewayAccess.GatewayOption };
        push.Examples("x-hauki-core gem push calculator-1.0.0.gem");
        push.SetAction((parsed, cancellationToken) => GatewayAccess.RunAsync(parsed, async client =>
        {
            await using var archive = parsed.GetValue(file)!.OpenRead();
            var published = await Output.ProgressAsync($"Publishing {parsed.GetValue(file)!.Name}…", () => client.Gateway.PublishGemAsync(archive, cancellationToken));
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
        list.Examples("x-hauki-core gem ls", "x-hauki-core gem ls --json");
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
        inspect.Examples("x-hauki-core gem inspect calculator-1.0.0.gem");
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
