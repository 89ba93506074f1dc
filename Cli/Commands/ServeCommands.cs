using System.CommandLine;
using MeshRpc.Gateway;
using MeshRpc.NodeAgent;

namespace MeshRpc.Cli.Commands;

/// <summary>
/// <c>x-hauki-core gateway [options]</c> and <c>x-hauki-core agent --gateway URL [options]</c>: each part of a mesh on
/// its own machine, in the foreground until Ctrl+C or SIGTERM. Every option goes to the part as it is (the gateway's
/// and the agent's own options, e.g. <c>--urls</c>, <c>--api-keys</c>, <c>--sandbox</c>, <c>--slots</c>); a setting either
/// refuses is one line and exit code 2. An agent's join token comes from <c>MESHRPC_JOIN_TOKEN</c>.
/// </summary>
internal static class ServeCommands
{
    public static Command Gateway() => Serve(
        "gateway",
        "Runs UAH CORE, the control plane, until Ctrl+C. Takes the gateway's own options, e.g. --urls http://0.0.0.0:7700 --api-keys keys.json --gem-store DIR.",
        GatewayApp.RunAsync,
        "x-hauki-core gateway --urls http://0.0.0.0:7700 --api-keys keys.json --gem-store /var/lib/meshrpc/gems");

    public static Command Agent() => Serve(
        "agent",
        "Runs a node agent that joins UAH CORE at --gateway URL with the join token in MESHRPC_JOIN_TOKEN, until Ctrl+C. Takes the agent's own options, e.g. --node-id, --sandbox, --slots, --work-dir.",
        NodeAgentApp.RunAsync,
        "MESHRPC_JOIN_TOKEN=mesh_… x-hauki-core agent --gateway https://core.example:7700 --node-id node-2 --sandbox lxc");

    private static Command Serve(string name, string description, Func<string[], Task<int>> run, string example)
    {
        // The part parses and validates its own options, and names a wrong one itself.
        var command = new Command(name, description) { TreatUnmatchedTokensAsErrors = false };
        command.Examples(example);
        command.SetAction((parsed, _) => run([.. parsed.UnmatchedTokens]));
        return command;
    }
}
