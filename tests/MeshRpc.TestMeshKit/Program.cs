using System.Text.Json;
using MeshRpc;
using MeshRpc.ControlPlane;
using MeshRpc.Gateway.Security;
using MeshRpc.TestWorker;

// Usage: MeshRpc.TestMeshKit credentials <directory>    makes an API key store there and prints its path and keys as JSON
//        MeshRpc.TestMeshKit publish-gems <gateway-url>  publishes the test gems, with the caller's key in MESHRPC_CREDENTIAL
switch (args)
{
    case ["credentials", var directory]:
        var store = Path.Combine(directory, "api-keys.json");
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["store"] = store,
            ["caller"] = ApiKeyStore.Create(store, "ts-caller", [MeshPermissions.SummonGem, MeshPermissions.SummonSource, MeshPermissions.PublishGems]),
            ["admin"] = ApiKeyStore.Create(store, "operator", [MeshPermissions.Admin]),
            ["join"] = ApiKeyStore.Create(store, "nodes", [MeshPermissions.NodeJoin]),
        }));
        return 0;

    case ["publish-gems", var gateway]:
        using (var mesh = new MeshClient(new Uri(gateway), MeshCredential.FromEnvironment()))
        {
            foreach (var gem in new[] { TestGem.Pack(), TestGem.PackShapes(), Quickstart.Worker.CalculatorGem.Pack() })
            {
                var published = await mesh.PublishGemAsync(gem);
                Console.WriteLine($"PUBLISHED gem://{published.Name}@{published.Version} {published.Digest}");
            }
        }

        return 0;

    default:
        Console.Error.WriteLine("Usage: MeshRpc.TestMeshKit credentials <directory> | publish-gems <gateway-url>");
        return 2;
}
