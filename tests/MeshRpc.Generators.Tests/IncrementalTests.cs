using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace MeshRpc.Generators.Tests;

public sealed class IncrementalTests
{
    [Fact]
    public void UnrelatedEdit_ReusesCachedContracts()
    {
        var (driver, _, _) = GeneratorHarness.Run(Contracts.Calculator, trackSteps: true);
        var compilation = GeneratorHarness.Compile(Contracts.Calculator);
        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("internal static class Unrelated { }", (CSharpParseOptions)compilation.SyntaxTrees[0].Options, cancellationToken: TestContext.Current.CancellationToken));

        driver = driver.RunGenerators(compilation, TestContext.Current.CancellationToken);
        driver = driver.RunGenerators(edited, TestContext.Current.CancellationToken);

        var steps = driver.GetRunResult().Results[0].TrackedSteps;
        var outputs = steps[MeshWorkerGenerator.Steps.Contracts].SelectMany(step => step.Outputs).ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, output => Assert.True(
            output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
            $"The contract model was recomputed ({output.Reason}) after an unrelated edit."));
    }

    [Fact]
    public void ContractEdit_RegeneratesTheContract()
    {
        var (driver, _, _) = GeneratorHarness.Run(Contracts.Calculator, trackSteps: true);
        var changed = GeneratorHarness.Compile(Contracts.Calculator.Replace("Task<int> AddAsync(int a, int b);", "Task<int> AddAsync(int a, int b, int c);", StringComparison.Ordinal));

        driver = driver.RunGenerators(changed, TestContext.Current.CancellationToken);

        var outputs = driver.GetRunResult().Results[0].TrackedSteps[MeshWorkerGenerator.Steps.Contracts].SelectMany(step => step.Outputs);
        Assert.Contains(outputs, output => output.Reason == IncrementalStepRunReason.Modified);
    }
}
