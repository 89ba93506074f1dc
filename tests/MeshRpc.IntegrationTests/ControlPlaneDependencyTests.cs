using System.Reflection;
using System.Text.Json;

namespace MeshRpc.IntegrationTests;

/// <summary>
/// The gateway and the node agent are built from the protocol package and their own HTTP clients: neither carries
/// the caller package, so a change to the client cannot reach the control plane, nor a control-plane type the caller.
/// </summary>
public sealed class ControlPlaneDependencyTests
{
    [Theory]
    [InlineData("MeshRpc.Gateway")]
    [InlineData("MeshRpc.NodeAgent")]
    public void TheControlPlane_IsBuiltWithoutTheCallerPackage(string program)
    {
        // The program's own dependency graph, as the SDK wrote it for the build that runs it.
        using var deps = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, program + ".deps.json")));
        var libraries = deps.RootElement.GetProperty("libraries").EnumerateObject().Select(l => l.Name.Split('/')[0]).ToList();
        var references = Assembly.LoadFrom(Path.Combine(AppContext.BaseDirectory, program + ".dll")).GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.Contains("MeshRpc.Protocol", libraries);
        Assert.DoesNotContain("MeshRpc.Client", libraries);
        Assert.DoesNotContain("MeshRpc.Client", references);
    }
}
