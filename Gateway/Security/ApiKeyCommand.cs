using System.CommandLine;
using MeshRpc.ControlPlane;

namespace MeshRpc.Gateway.Security;

/// <summary>
/// <c>MeshRpc.Gateway api-key create --store F --owner NAME --permission P [--permission P ...]</c>: the operator's way to
/// make an API key (or, with <c>node:join</c> alone, a join token). Prints the key once; the store keeps its hash.
/// </summary>
public static class ApiKeyCommand
{
    /// <summary>Whether <paramref name="args"/> ask for this command rather than for the gateway itself.</summary>
    public static bool Matches(IReadOnlyList<string> args) => args is ["api-key", ..];

    /// <summary>Runs the command; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        var store = new Option<FileInfo>("--store") { Description = "The API key store the gateway reads (--api-keys); made if missing.", Required = true };
        var owner = new Option<string>("--owner") { Description = "Whom the key stands for: it owns the workers the key summons.", Required = true };
        var permissions = new Option<string[]>("--permission")
        {
            Description = "A permission to grant (repeat for more): " + string.Join(", ", MeshPermissions.All) + ".",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        permissions.AcceptOnlyFromAmong([.. MeshPermissions.All]);

        var create = new Command("create", "Makes an API key and prints it; only its hash is stored.") { store, owner, permissions };
        create.SetAction(result =>
        {
            var key = ApiKeyStore.Create(result.GetValue(store)!.FullName, result.GetValue(owner)!, result.GetValue(permissions)!);
            Console.WriteLine(key);
            return 0;
        });

        var root = new RootCommand("UAH CORE, the MeshRpc gateway. Without a command it serves; 'api-key create' makes an operator's key.")
        {
            new Command("api-key", "API keys and join tokens.") { create },
        };
        return root.Parse(args).Invoke();
    }
}
