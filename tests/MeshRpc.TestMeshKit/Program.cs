using MeshRpc;
using MeshRpc.TestWorker;

// Usage: MeshRpc.TestMeshKit publish-gems <gateway-url>
if (args is not ["publish-gems", var gateway])
{
    Console.Error.WriteLine("Usage: MeshRpc.TestMeshKit publish-gems <gateway-url>");
    return 2;
}

using var mesh = new MeshClient(new Uri(gateway));
foreach (var gem in new[] { TestGem.Pack(), TestGem.PackShapes(), Quickstart.Worker.CalculatorGem.Pack() })
{
    var published = await mesh.PublishGemAsync(gem);
    Console.WriteLine($"PUBLISHED gem://{published.Name}@{published.Version} {published.Digest}");
}

return 0;
