namespace MeshRpc.Client;

/// <summary>Parses a ticket endpoint such as <c>tcp://127.0.0.1:41234</c>.</summary>
internal static class TicketEndpoint
{
    public static (string Host, int Port) ParseTcp(string endpoint)
    {
        if (Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme == "tcp" && uri.Port > 0)
        {
            return (uri.Host, uri.Port);
        }

        throw new CallRefusedException(
            $"The ticket's endpoint '{endpoint}' is not a 'tcp://host:port' address. The ticket is malformed; summon the worker again.");
    }
}
