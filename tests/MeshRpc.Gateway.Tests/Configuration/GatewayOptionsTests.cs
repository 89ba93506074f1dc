using MeshRpc.Gateway.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MeshRpc.Gateway.Tests.Configuration;

/// <summary>The gateway's options as the host binds and validates them, from the command line's keys.</summary>
public sealed class GatewayOptionsTests
{
    [Fact]
    public void CommandLineKeys_BindToTheirOptions()
    {
        var options = Bind(
            "--gem-store", "/srv/gems", "--summon-rate", "7", "--summon-burst", "9", "--max-workers-per-caller", "3",
            "--node-dead-after-ms", "2500", "--ticket-lifetime-ms", "60000", "--heartbeat-timeout-ms", "4000", "--relay", "false",
            "--public-url", "https://mesh.example/", "--max-gem-unpacked-mb", "64", "--egress-allow", "10.1.0.0/16:443, 10.2.3.4:*",
            "--compiled-cache-mb", "32");

        Assert.Equal("/srv/gems", options.GemStore);
        Assert.Equal("/srv/ticket-key.pem", options.TicketKeyFile);
        Assert.Equal((7, 9, 3), (options.SummonsPerSecond, options.SummonBurst, options.MaxWorkersPerCaller));
        Assert.Equal(TimeSpan.FromMilliseconds(2500), options.NodeDeadAfter);
        Assert.Equal(TimeSpan.FromMinutes(1), options.TicketLifetime);
        Assert.Equal(4000, options.WorkerHeartbeatTimeoutMs);
        Assert.False(options.Relay);
        Assert.Equal(new Uri("https://mesh.example/"), options.PublicUrl);
        Assert.Equal(64L << 20, options.MaxGemUnpackedBytes);
        Assert.Equal(32, options.CompiledCacheMb);
        Assert.Equal(["10.1.0.0/16:443", "10.2.3.4/32:*"], options.EgressAllowed.Select(d => d.ToString()));
    }

    [Fact]
    public void NoArguments_GiveTheDefaults_AndValidate()
    {
        var options = Bind();

        Assert.Equal(new GatewayOptions(), options);
        Assert.Empty(options.EgressAllowed);
    }

    [Theory]
    [InlineData("--summon-burst", "-1", "--summon-burst takes a positive number, not -1.")]
    [InlineData("--max-workers-per-caller", "0", "--max-workers-per-caller takes a positive number, not 0.")]
    [InlineData("--ticket-lifetime-ms", "0", "--ticket-lifetime-ms takes a positive number, not 0.")]
    [InlineData("--compiled-cache-mb", "0", "--compiled-cache-mb takes a positive number, not 0.")]
    [InlineData("--egress-allow", "10.1.2.3:80,nowhere", "--egress-allow: ")]
    public void Rejects_ABadSetting_NamingIt(string key, string value, string failure)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(key, value));

        Assert.Contains(error.Failures, f => f.StartsWith(failure, StringComparison.Ordinal));
    }

    [Fact]
    public void Rejects_EveryBadSettingAtOnce()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind("--summon-rate", "0", "--summon-burst", "0"));

        Assert.Equal(2, error.Failures.Count());
    }

    [Theory]
    [InlineData(new[] { "--jwt-audience", "mesh" }, false)]
    [InlineData(new[] { "--jwt-authority", "https://login.example/", "--jwt-audience", "mesh" }, true)]
    [InlineData(new[] { "--jwt-signing-key", "/nonexistent.pem", "--jwt-issuer", "me", "--jwt-audience", "mesh" }, false)]
    [InlineData(new[] { "--jwt-authority", "https://login.example/" }, false)]
    public void JwtSettings_NeedAnAudienceAndOneKeySource(string[] args, bool valid)
    {
        var services = Services(args);

        var bind = () => services.GetRequiredService<IOptions<JwtIssuerOptions>>().Value;

        if (valid)
        {
            Assert.True(bind().IsConfigured);
        }
        else
        {
            Assert.Throws<OptionsValidationException>(bind);
        }
    }

    private static GatewayOptions Bind(params string[] args) => Services(args).GetRequiredService<GatewayOptions>();

    private static ServiceProvider Services(string[] args)
    {
        var configuration = new ConfigurationBuilder().AddCommandLine(args).Build();
        return new ServiceCollection().AddLogging().AddUahCore(configuration).BuildServiceProvider();
    }
}
