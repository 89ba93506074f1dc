using System.CommandLine;
using System.Net;
using MeshRpc.ControlPlane;
using Refit;

namespace MeshRpc.Cli;

/// <summary>
/// How a verb reaches UAH CORE: <c>--gateway</c> (or <c>MESHRPC_GATEWAY</c>) and the credential in
/// <c>MESHRPC_CREDENTIAL</c> (never an option: a key on the command line shows in every process listing). Turns each
/// way a request can fail into one line saying what is wrong and how to fix it, and its exit code.
/// </summary>
internal static class GatewayAccess
{
    /// <summary>Where <c>x-hauki-core up</c> listens unless told otherwise.</summary>
    public const int DefaultPort = 7700;

    private const string GatewayVariable = "MESHRPC_GATEWAY";

    /// <summary>The gateway's address, for every verb that talks to one.</summary>
    public static Option<Uri> GatewayOption { get; } = new("--gateway")
    {
        Description = $"UAH CORE's address (default: ${GatewayVariable}, else http://127.0.0.1:{DefaultPort}, where 'x-hauki-core up' listens).",
        DefaultValueFactory = _ => new Uri(Environment.GetEnvironmentVariable(GatewayVariable) is { Length: > 0 } address ? address : $"http://127.0.0.1:{DefaultPort}"),
        CustomParser = result => Uri.TryCreate(result.Tokens.Single().Value, UriKind.Absolute, out var address) && address.Scheme is "http" or "https"
            ? address
            : Invalid<Uri>(result, $"'{result.Tokens.Single().Value}' is not a gateway address; give one like http://127.0.0.1:{DefaultPort}."),
    };

    /// <summary>Runs <paramref name="request"/> with a client of the gateway; returns its exit code, or the failure's.</summary>
    public static async Task<int> RunAsync(ParseResult parsed, Func<MeshClient, Task<int>> request)
    {
        var gateway = parsed.GetValue(GatewayOption)!;
        if (MeshCredential.FromEnvironment() is not { } credential)
        {
            return Fail(ExitCodes.Refused, $"No credential: set {MeshCredential.EnvironmentVariable} to an API key ('x-hauki-core up' prints one).");
        }

        using var client = new MeshClient(gateway, credential);
        try
        {
            return await request(client);
        }
        catch (ApiException ex)
        {
            var detail = MeshError.Parse(ex.Content)?.Detail ?? $"HTTP {(int)ex.StatusCode} {ex.ReasonPhrase}";
            return ex.StatusCode switch
            {
                HttpStatusCode.Unauthorized => Fail(ExitCodes.Refused, $"UAH CORE at {gateway} refused the credential in {MeshCredential.EnvironmentVariable}: {detail}"),
                HttpStatusCode.Forbidden => Fail(ExitCodes.Refused, $"UAH CORE at {gateway} refused: {detail}"),
                HttpStatusCode.NotFound => Fail(ExitCodes.NotFound, detail),
                HttpStatusCode.BadRequest => Fail(ExitCodes.BadArgument, detail),
                _ => Fail(ExitCodes.Failed, $"UAH CORE at {gateway} answered: {detail}"),
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or ApiRequestException or TaskCanceledException)
        {
            // No answer at all: nothing listens there, or it did not answer in time.
            return Fail(ExitCodes.Unreachable,
                $"UAH CORE at {gateway} is unreachable ({ex.GetBaseException().Message}). Start a mesh ('x-hauki-core up') or point --gateway or ${GatewayVariable} at one.");
        }
    }

    /// <summary>Prints one line to standard error and returns <paramref name="exitCode"/>.</summary>
    public static int Fail(int exitCode, string message)
    {
        Console.Error.WriteLine("x-hauki-core: " + message);
        return exitCode;
    }

    private static T Invalid<T>(System.CommandLine.Parsing.ArgumentResult result, string message)
    {
        result.AddError(message);
        return default!;
    }
}
