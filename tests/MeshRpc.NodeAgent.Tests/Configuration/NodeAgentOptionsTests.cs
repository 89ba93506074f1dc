using MeshRpc.NodeAgent.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MeshRpc.NodeAgent.Tests.Configuration;

/// <summary>The agent's options as the host binds and validates them, from the command line's keys.</summary>
public sealed class NodeAgentOptionsTests
{
    [Fact]
    public void CommandLineKeys_BindToTheirOptions()
    {
        var options = Bind(
            "--gateway", "http://uah-core:5000/", "--node-id", "node-7", "--data-plane", "10.0.0.7", "--data-plane-tls", "false",
            "--join-token", "mesh_token", "--slots", "4", "--work-dir", "/srv/agent", "--sandbox", "bwrap", "--labels", "gpu, zone=eu",
            "--warm-pool", "2", "--warm-pool-max", "3", "--warm-pool-keep-seconds", "30", "--memory-mb", "256", "--max-processes", "64", "--cpus", "0.5", "--compile-timeout-ms", "5000",
            "--allow-uncontained-source", "true", "--egress-subnet", "10.231.0.0/16", "--worker-error-diagnostics", "true",
            "--warm-compilers", "2", "--max-compiled-kb", "512", "--compiled-cache-mb", "64", "--max-cold-starts", "3");

        Assert.Equal(new Uri("http://uah-core:5000/"), options.Gateway);
        Assert.Equal(("node-7", "10.0.0.7", false), (options.NodeId, options.DataPlaneAddress, options.DataPlaneTls));
        Assert.Equal("mesh_token", options.JoinToken);
        Assert.Equal((4, 2, "bwrap"), (options.Slots, options.WarmPoolSize, options.Sandbox));
        Assert.Equal((3, 30), (options.WarmPoolCeiling, options.WarmPoolKeepSeconds));
        Assert.Equal(3, options.MaxColdStarts);
        Assert.Equal("/srv/agent/gems", options.GemCacheDirectory);
        Assert.Equal(["gpu", "zone=eu"], options.Labels);
        Assert.Equal((256L << 20, 64, 0.5), (options.Limits.MemoryBytes, options.Limits.MaxProcesses, options.Limits.Cpus));
        Assert.Equal(TimeSpan.FromSeconds(5), options.CompileTimeout);
        Assert.Equal((2, 512, 64), (options.WarmCompilers, options.MaxCompiledKilobytes, options.CompiledCacheMegabytes));
        Assert.True(options.AllowUncontainedSource);
        Assert.True(options.WorkerErrorDiagnostics);
        Assert.Equal("10.231.0.0/16", options.EgressSubnet?.ToString());
    }

    [Fact]
    public void OnlyTheGateway_IsRequired()
    {
        var options = Bind("--gateway", "http://127.0.0.1:5000/");

        Assert.Equal(new NodeAgentOptions { Gateway = new Uri("http://127.0.0.1:5000/") }, options);
        Assert.Empty(options.Labels);
        Assert.Null(options.EgressSubnet);
        Assert.Equal(0, options.WarmPoolCeiling);
        Assert.Equal(Environment.ProcessorCount, options.MaxColdStarts);
    }

    [Fact]
    public void APoolWithoutAMaximum_KeepsItsFixedSize()
    {
        Assert.Equal(2, Bind("--gateway", "http://127.0.0.1:5000/", "--warm-pool", "2").WarmPoolCeiling);
    }

    [Theory]
    [InlineData("--sandbox", "docker", "Unknown sandbox 'docker'")]
    [InlineData("--slots", "0", "--slots takes a positive number, not 0.")]
    [InlineData("--warm-pool", "-1", "--warm-pool takes a number from 0 to --slots (16), not -1.")]
    [InlineData("--warm-pool-max", "17", "--warm-pool-max takes a number from --warm-pool (0) to --slots (16), not 17.")]
    [InlineData("--warm-pool-keep-seconds", "1", "--warm-pool-keep-seconds takes a number of seconds from 5 up, not 1.")]
    [InlineData("--max-cold-starts", "0", "--max-cold-starts takes a positive number (how many worker hosts may start at once), not 0.")]
    [InlineData("--memory-mb", "8", "A worker needs --memory-mb of at least 16")]
    [InlineData("--cpus", "0", "A worker needs --memory-mb of at least 16, --max-processes and --cpus above 0")]
    [InlineData("--data-plane", "node.example", "--data-plane takes the IP address workers listen on")]
    [InlineData("--egress-subnet", "fd00::/64", "--egress-subnet takes an IPv4 network")]
    [InlineData("--warm-compilers", "9", "--warm-compilers takes a number from 0 to 8")]
    [InlineData("--max-compiled-kb", "8", "--warm-compilers takes a number from 0 to 8, --max-compiled-kb one from 16 up")]
    [InlineData("--compile-timeout-ms", "30000", "--compile-timeout-ms takes a positive number under the worker start timeout (30000 ms)")]
    public void Rejects_ABadSetting_NamingIt(string key, string value, string failure)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind("--gateway", "http://127.0.0.1:5000/", key, value));

        Assert.Contains(error.Failures, f => f.StartsWith(failure, StringComparison.Ordinal));
    }

    [Fact]
    public void Rejects_AMissingGateway()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind());

        Assert.Contains("The node agent needs the gateway's address: pass --gateway http://host:port.", error.Failures);
    }

    private static NodeAgentOptions Bind(params string[] args)
    {
        var configuration = new ConfigurationBuilder().AddCommandLine(args).Build();
        return new ServiceCollection().AddLogging().AddNodeAgent(configuration).BuildServiceProvider().GetRequiredService<NodeAgentOptions>();
    }
}
