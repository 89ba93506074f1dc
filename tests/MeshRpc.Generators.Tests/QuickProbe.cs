namespace MeshRpc.Generators.Tests;

public class QuickProbe
{
    [Fact]
    public void Probe()
    {
        var (driver, output, diags) = GeneratorHarness.Run("""
            using MeshRpc;
            namespace Demo;
            [MeshWorker]
            public interface ICalculator : System.IAsyncDisposable
            {
                System.Threading.Tasks.Task<int> AddAsync(int a, int b);
            }
            """);
        var result = driver.GetRunResult();
        foreach (var d in diags) TestContext.Current.SendDiagnosticMessage(d.ToString());
        Assert.Empty(result.Results[0].Exception?.ToString() ?? "");
        Assert.NotEmpty(result.GeneratedTrees);
    }
}
