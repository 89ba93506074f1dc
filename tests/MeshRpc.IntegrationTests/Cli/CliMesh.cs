using MeshRpc.IntegrationTests.Infrastructure;

namespace MeshRpc.IntegrationTests.Cli;

/// <summary>A mesh started the operator's way, with <c>x-hauki-core up</c> as a process of its own, and the address and key it printed.</summary>
public sealed class CliMesh : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    /// <summary>The <c>up</c> process.</summary>
    public ChildProcess Up { get; private set; } = null!;

    /// <summary>The gateway's address, as <c>up</c> printed it.</summary>
    public string Gateway { get; private set; } = null!;

    /// <summary>The operator key <c>up</c> printed.</summary>
    public string OperatorKey { get; private set; } = null!;

    /// <summary>A client of the mesh with the printed key.</summary>
    public MeshClient CreateClient() => TestCredentials.Client(new Uri(Gateway), OperatorKey);

    /// <summary>Runs <c>x-hauki-core {arguments}</c> against this mesh with <paramref name="credential"/> (the operator key by default) and waits for it.</summary>
    public Task<CliRun> RunAsync(params string[] arguments) => CliRun.RunAsync(Gateway, OperatorKey, arguments);

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        // Port 0: tests run side by side, and the default port may be taken on a developer's machine.
        Up = ChildProcess.Start("x-hauki-core.dll", new Dictionary<string, string?> { ["MESHRPC_GATEWAY"] = null, [MeshCredential.EnvironmentVariable] = null }, "up", "--port", "0");
        Gateway = (await Up.WaitForLineAsync("  export MESHRPC_GATEWAY=", StartTimeout)).Trim();
        OperatorKey = (await Up.WaitForLineAsync($"  export {MeshCredential.EnvironmentVariable}=", StartTimeout)).Trim();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await Up.DisposeAsync();
}

/// <summary>One finished run of <c>x-hauki-core</c>: its exit code and everything it printed.</summary>
public sealed record CliRun(int ExitCode, string Output)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Runs <c>x-hauki-core {arguments}</c> with <c>MESHRPC_GATEWAY</c> and <c>MESHRPC_CREDENTIAL</c> as given (null: unset).</summary>
    public static async Task<CliRun> RunAsync(string? gateway, string? credential, params string[] arguments)
    {
        await using var run = Start(gateway, credential, arguments);
        var exitCode = await run.WaitForExitAsync(RunTimeout);
        return new CliRun(exitCode, run.Output);
    }

    /// <summary>Where the runs keep their state (the tickets of summoned workers): this test run's own, not the user's.</summary>
    public static string StateDirectory { get; } = Directory.CreateTempSubdirectory("meshrpc-cli-state-").FullName;

    /// <summary>Starts <c>x-hauki-core {arguments}</c> as <see cref="RunAsync"/> does, for a verb that keeps running (<c>logs -f</c>, <c>summon</c>).</summary>
    public static ChildProcess Start(string? gateway, string? credential, params string[] arguments) =>
        ChildProcess.Start("x-hauki-core.dll", new Dictionary<string, string?>
        {
            ["MESHRPC_GATEWAY"] = gateway,
            [MeshCredential.EnvironmentVariable] = credential,
            ["XDG_STATE_HOME"] = StateDirectory,
        }, arguments);

    /// <summary>The ticket file <c>summon</c> keeps for <paramref name="workerId"/>.</summary>
    public static string TicketFile(string workerId) => Path.Combine(StateDirectory, "x-hauki-core", "tickets", workerId + ".json");
}
