using System.CommandLine;
using MeshRpc.ControlPlane;

namespace MeshRpc.Cli.Commands;

/// <summary>
/// <c>x-hauki-core token create (--join | --owner NAME [--permission P ...]) [--json]</c>: issues a join token for node
/// agents or an API key for a caller, through the gateway (needs <c>admin</c>). Prints the key alone, for
/// <c>export MESHRPC_JOIN_TOKEN=$(x-hauki-core token create --join)</c>: it is never shown again.
/// </summary>
internal static class TokenCommand
{
    public static Command Create()
    {
        var join = new Option<bool>("--join") { Description = "A join token for node agents (permission node:join alone)." };
        var owner = new Option<string?>("--owner") { Description = "Whom a caller's key stands for: it owns the workers the key summons (for --join: 'nodes')." };
        var permissions = new Option<string[]>("--permission")
        {
            Description = $"A permission of a caller's key (repeat for more; default {MeshPermissions.SummonGem}): {string.Join(", ", MeshPermissions.All)}.",
            AllowMultipleArgumentsPerToken = true,
        };
        permissions.AcceptOnlyFromAmong([.. MeshPermissions.All]);
        var json = Output.JsonOption();

        var create = new Command("create", "Issues a join token (--join) or a caller's API key (--owner NAME) and prints it: the only time it is shown. Needs an admin credential.")
        {
            join, owner, permissions, json, GatewayAccess.GatewayOption,
        };
        create.Examples("export MESHRPC_JOIN_TOKEN=$(x-hauki-core token create --join)", "x-hauki-core token create --owner alice --permission summon:gem --permission summon:source");
        create.Validators.Add(result =>
        {
            var isJoin = result.GetValue(join);
            if (!isJoin && string.IsNullOrWhiteSpace(result.GetValue(owner)))
            {
                result.AddError("Say what to issue: --join for a node agents' join token, or --owner NAME for a caller's key.");
            }
            else if (isJoin && result.GetValue(permissions) is { Length: > 0 })
            {
                result.AddError("A join token has one permission, node:join: --join takes no --permission.");
            }
        });
        create.SetAction((parsed, cancellationToken) => GatewayAccess.RunAsync(parsed, async client =>
        {
            var request = parsed.GetValue(join)
                ? new ApiKeyRequest(parsed.GetValue(owner) ?? "nodes", [MeshPermissions.NodeJoin])
                : new ApiKeyRequest(parsed.GetValue(owner)!, parsed.GetValue(permissions) is { Length: > 0 } granted ? granted : [MeshPermissions.SummonGem]);
            var issued = await client.Gateway.CreateKeyAsync(request, cancellationToken);
            if (parsed.GetValue(json))
            {
                Output.Json(issued, ControlPlaneJsonContext.Default.ApiKeyIssued);
            }
            else
            {
                Console.WriteLine(issued.Key);
            }

            return ExitCodes.Ok;
        }));

        return new Command("token", "Join tokens for node agents and API keys for callers.") { create };
    }
}
