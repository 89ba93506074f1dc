using System.IO.Compression;
using MeshRpc.Hosting;
using MeshRpc.IntegrationTests.Infrastructure;

namespace MeshRpc.IntegrationTests;

/// <summary>The packed packages work in a project that knows nothing of this repository.</summary>
[Collection(RepositoryBuilds.Name)]
public sealed class PackagingTests(MeshProcesses mesh) : IClassFixture<MeshProcesses>
{
    [Fact]
    public async Task PackedPackages_ShipTheGenerator_AndBuildAndRunInAFreshProject()
    {
        var root = Directory.CreateTempSubdirectory("meshrpc-pack-").FullName;
        try
        {
            // A version of its own, so no earlier run's package in the NuGet cache can stand in for this one.
            var version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmssfff}";
            var packages = Path.Combine(root, "packages");
            foreach (var project in new[]
                     {
                         "Abstractions/MeshRpc.Abstractions.csproj", "Protocol/MeshRpc.Protocol.csproj", "Runtime/MeshRpc.Runtime/MeshRpc.Runtime.csproj",
                         "Runtime/MeshRpc.Client/MeshRpc.Client.csproj", "Runtime/MeshRpc.Hosting/MeshRpc.Hosting.csproj",
                     })
            {
                await Commands.RunAsync(DotnetMuxer.Path, "pack", Path.Combine(RepoPaths.Root, project), "-c", "Release", "-o", packages, $"-p:Version={version}", "-nologo");
            }

            using (var package = ZipFile.OpenRead(Path.Combine(packages, $"MeshRpc.Runtime.{version}.nupkg")))
            {
                var entries = package.Entries.Select(e => e.FullName).ToList();
                Assert.Contains("analyzers/dotnet/cs/MeshRpc.Generators.dll", entries);
                Assert.Contains("lib/net10.0/MeshRpc.Runtime.dll", entries);
                Assert.Contains("build/MeshRpc.Runtime.targets", entries);
                Assert.Contains("tools/stubwriter/MeshRpc.StubWriter.dll", entries);
                Assert.Contains("tools/stubwriter/MeshRpc.StubWriter.runtimeconfig.json", entries);
                Assert.Contains("build/diagnostics.md", entries);
                Assert.Contains("build/meshrpc/connection.ts", entries);
                Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) && e.EndsWith("MeshRpc.Generators.dll", StringComparison.Ordinal));
            }

            var consumer = Path.Combine(root, "consumer");
            WriteConsumer(consumer, packages, version);
            var output = await Commands.RunAsync(DotnetMuxer.Path, "run", "--project", consumer, "--", mesh.GatewayAddress.ToString());

            Assert.Contains("GREETING Hello, pack", output, StringComparison.Ordinal);

            // Records, enums, lists and arrays of records and dictionaries, with no JSON context anywhere, crossed the wire both ways.
            Assert.Contains("SHOP order 7: 2 lines, 1 extras, 3 of a-1; large: b-2,c-3; by sku: b-2 Large", output, StringComparison.Ordinal);

            // The generator came through MeshRpc.Client's and MeshRpc.Hosting's dependency on MeshRpc.Runtime, and emitted both ends.
            // The package's targets wrote the contract's TypeScript stub, with the runtime it references, under the build output.
            var stubs = Path.Combine(consumer, "bin", "Debug", "net10.0", "meshrpc-ts");
            Assert.Contains("namespace MeshStubs.Greeter", File.ReadAllText(Path.Combine(stubs, "Greeter.ts")), StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(stubs, "meshrpc", "gateway.ts")), $"No TypeScript runtime beside the stub in {stubs}.");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static void WriteConsumer(string directory, string packages, string version)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="meshrpc-local" value="{packages}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(directory, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <!-- IShop has no JSON context: its records serialize by reflection, which MESH012 points out. -->
                <WarningsNotAsErrors>MESH012</WarningsNotAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="MeshRpc.Client" Version="{version}" />
                <PackageReference Include="MeshRpc.Hosting" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), """
            using MeshRpc;

            using var mesh = new MeshClient(new Uri(args[0]), MeshCredential.FromEnvironment());
            await mesh.PublishGemAsync(MeshGem.Pack<IGreeter, Greeter>("packaged-greeter"));
            await using var greeter = await mesh.SummonAsync<IGreeter>(SummonRequest.FromGem("gem://packaged-greeter@1.0.0"));
            Console.WriteLine("GREETING " + await greeter.GreetAsync("pack"));

            await mesh.PublishGemAsync(MeshGem.Pack<IShop, Shop>("packaged-shop"));
            await using var shop = await mesh.SummonAsync<IShop>(SummonRequest.FromGem("gem://packaged-shop@1.0.0"));
            var order = await shop.PlaceAsync(new Order(7, [new Line("a-1", Size.Small), new Line("b-2", Size.Large)], new() { ["a-1"] = 3 }, [new Line("x", Size.Small)]));
            var large = await shop.LinesAsync(Size.Large);
            var bySku = await shop.IndexAsync([new Line("b-2", Size.Large)]);
            Console.WriteLine($"SHOP order {order.Id}: {order.Lines.Count} lines, {order.Extras.Length} extras, {order.Quantities["a-1"]} of a-1; " +
                $"large: {string.Join(',', large.Select(l => l.Sku))}; by sku: b-2 {bySku["b-2"].Size}");

            [MeshWorker]
            public interface IGreeter : IAsyncDisposable
            {
                Task<string> GreetAsync(string name);
            }

            public sealed class Greeter : IGreeter
            {
                public Task<string> GreetAsync(string name) => Task.FromResult($"Hello, {name}");

                public ValueTask DisposeAsync() => ValueTask.CompletedTask;
            }

            public enum Size { Small, Large }

            public sealed record Line(string Sku, Size Size);

            public sealed record Order(int Id, List<Line> Lines, Dictionary<string, int> Quantities, Line[] Extras);

            [MeshWorker]
            public interface IShop : IAsyncDisposable
            {
                Task<Order> PlaceAsync(Order order);
                Task<List<Line>> LinesAsync(Size size);
                Task<Dictionary<string, Line>> IndexAsync(Line[] lines);
            }

            public sealed class Shop : IShop
            {
                private static readonly Line[] Stock = [new("a-1", Size.Small), new("b-2", Size.Large), new("c-3", Size.Large)];

                public Task<Order> PlaceAsync(Order order) => Task.FromResult(order);
                public Task<List<Line>> LinesAsync(Size size) => Task.FromResult(Stock.Where(l => l.Size == size).ToList());
                public Task<Dictionary<string, Line>> IndexAsync(Line[] lines) => Task.FromResult(lines.ToDictionary(l => l.Sku));
                public ValueTask DisposeAsync() => ValueTask.CompletedTask;
            }
            """);
    }
}
