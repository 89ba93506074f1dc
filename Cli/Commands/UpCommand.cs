using System.CommandLine;
using MeshRpc.NodeAgent.Configuration;
using MeshRpc.Testing;
using Microsoft.AspNetCore.Connections;
using Spectre.Console;

namespace MeshRpc.Cli.Commands;

/// <summary>
/// <c>x-hauki-core up [--port N] [--sandbox S]</c>: a whole mesh (UAH CORE and one node agent, with the strongest
/// sandbox this machine offers) in the foreground until Ctrl+C or SIGTERM, like <c>ray start --head --block</c>. It makes
/// its own credentials and prints the operator's key with the address, as the lines to paste into a shell.
/// </summary>
internal static class UpCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = $"The port UAH CORE listens on, on 127.0.0.1 (default {GatewayAccess.DefaultPort}; 0 picks a free one).", DefaultValueFactory = _ => GatewayAccess.DefaultPort };
        port.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 65_535)
            {
                result.AddError("--port takes a port number from 0 to 65535.");
            }
        });
        var sandbox = new Option<string>("--sandbox") { Description = "The node's sandbox: auto (the strongest this machine offers), lxc, bwrap or process.", DefaultValueFactory = _ => "auto" };
        sandbox.AcceptOnlyFromAmong("auto", "lxc", "bwrap", "process");
        var command = new Command("up", "Runs a mesh (UAH CORE and one node agent) in the foreground until Ctrl+C, and prints its address and an operator key.") { port, sandbox };
        command.Examples("x-hauki-core up", "x-hauki-core up --port 0 --sandbox bwrap");
        command.SetAction((parsed, _) => RunAsync(parsed.GetValue(port), parsed.GetValue(sandbox)!));
        return command;
    }

    private static async Task<int> RunAsync(int port, string sandbox)
    {
        // Ctrl+C and SIGTERM stop the mesh the orderly way (workers torn down, sandboxes gone), however long that takes.
        using var stop = new StopSignal();

        EmbeddedMesh mesh;
        try
        {
            mesh = await Output.ProgressAsync("Starting UAH CORE and a node agent…",
                () => EmbeddedMesh.StartAsync(new Uri($"http://127.0.0.1:{port}"), sandbox, stop.Token));
        }
        catch (IOException ex) when (ex.InnerException is AddressInUseException)
        {
            return GatewayAccess.Fail(ExitCodes.Failed, $"Port {port} on 127.0.0.1 is taken (another 'x-hauki-core up'?). Stop that, or pick another port with --port.");
        }
        catch (AgentStartupException ex)
        {
            return GatewayAccess.Fail(ExitCodes.Failed, $"The node agent cannot start: {ex.Message}");
        }
        catch (OperationCanceledException) when (stop.Token.IsCancellationRequested)
        {
            return ExitCodes.Ok;
        }

        await using (mesh)
        {
            var address = mesh.GatewayAddress.ToString().TrimEnd('/');
            Console.WriteLine($"UAH CORE is up at {address} with one node (sandbox: {mesh.Sandbox}). Ctrl+C stops it and every worker.");
            Console.WriteLine("Point x-hauki-core and MeshClient at it (the key is an operator's: keep it to yourself):");
            Console.WriteLine($"  export MESHRPC_GATEWAY={address}");
            Console.WriteLine($"  export {MeshCredential.EnvironmentVariable}={mesh.OperatorKey}");

            // The key travels in the fragment, which a browser never sends: the page keeps it for its tab.
            Console.WriteLine($"Dashboard: {address}/dashboard#key={Uri.EscapeDataString(mesh.OperatorKey)}");
            await stop.Requested;

            Console.WriteLine("Stopping: tearing down the workers, then the node agent and UAH CORE.");
        }

        return ExitCodes.Ok;
    }
}
