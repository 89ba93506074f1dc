using System.CommandLine;

namespace MeshRpc.Cli.Commands;

/// <summary><c>x-hauki-core kill WORKER</c>: tears a worker down; returns once its node confirms the sandbox is gone.</summary>
internal static class KillCommand
{
    public static Command Create()
    {
        var worker = new Argument<string>("worker") { Description = "The worker's id (x-hauki-core workers lists them)." };
        var command = new Command("kill", "Tears a worker down: its sandbox is gone when this returns. Your own workers, or any with an admin credential.") { worker, GatewayAccess.GatewayOption };
        command.Examples("x-hauki-core kill w-7f9aa9045a174ee5");
        command.SetAction((parsed, cancellationToken) => GatewayAccess.RunAsync(parsed, async client =>
        {
            var id = parsed.GetValue(worker)!;
            await Output.ProgressAsync($"Tearing worker {id} down…", () => client.Gateway.TeardownAsync(id, cancellationToken));
            Console.WriteLine($"Worker {id} torn down.");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
