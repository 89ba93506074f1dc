using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MeshRpc.Runtime.Tests.Client;

/// <summary>The client's failover between gateways, over real loopback sockets: one address refuses, the other answers.</summary>
public sealed class GatewayFailoverHandlerTests
{
    [Fact]
    public async Task AReadOrAKeyedPost_GoesToTheNextGateway_WhenTheFirstDoesNotAnswer_BodyIntact()
    {
        await using var alive = await OneShotServer.StartAsync(requests: 2);
        using var http = Client(DeadAddress(), alive.Address);

        using (var read = await http.GetAsync("/api/v2/workers", TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        using var summon = new HttpRequestMessage(HttpMethod.Post, "/api/v2/swarm_spawn_ephemeral") { Content = new StringContent("{\"contract\":\"C\"}", Encoding.UTF8, "application/json") };
        summon.Headers.Add(GatewayFailoverHandler.IdempotencyKeyHeader, "k-1");
        using (var posted = await http.SendAsync(summon, TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        }

        var received = await alive.ReceivedAsync();
        Assert.StartsWith("GET /api/v2/workers ", received[0], StringComparison.Ordinal);
        Assert.StartsWith("POST /api/v2/swarm_spawn_ephemeral ", received[1], StringComparison.Ordinal);
        Assert.Contains("Idempotency-Key: k-1", received[1], StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith("{\"contract\":\"C\"}", received[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task APostWithoutAKey_IsNotSentTwice()
    {
        await using var alive = await OneShotServer.StartAsync(requests: 1);
        using var http = Client(DeadAddress(), alive.Address);

        // Sent again, it might do twice what it did once: the caller hears that no gateway answered instead.
        await Assert.ThrowsAsync<HttpRequestException>(() => http.PostAsync("/api/v2/gems", new StringContent("gem"), TestContext.Current.CancellationToken));
    }

    private static HttpClient Client(params Uri[] gateways) =>
        new(new GatewayFailoverHandler(gateways, new HttpClientHandler())) { BaseAddress = gateways[0] };

    // A loopback port nothing listens on: connecting to it is refused.
    private static Uri DeadAddress()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return new Uri($"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/");
    }

    // Answers each of a few requests with 200 and remembers each request as text (head and body).
    private sealed class OneShotServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<string> _received = [];
        private Task? _serving;

        public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

        public static Task<OneShotServer> StartAsync(int requests)
        {
            var server = new OneShotServer();
            server._listener.Start();
            server._serving = server.ServeAsync(requests);
            return Task.FromResult(server);
        }

        public async Task<List<string>> ReceivedAsync()
        {
            await _serving!.WaitAsync(TimeSpan.FromSeconds(10));
            return _received;
        }

        public ValueTask DisposeAsync()
        {
            _listener.Stop();
            return default;
        }

        private async Task ServeAsync(int requests)
        {
            for (var i = 0; i < requests; i++)
            {
                using var client = await _listener.AcceptTcpClientAsync();
                var stream = client.GetStream();
                var text = new StringBuilder();
                var buffer = new byte[4096];
                while (!Complete(text.ToString()))
                {
                    var read = await stream.ReadAsync(buffer);
                    if (read == 0)
                    {
                        break;
                    }

                    text.Append(Encoding.UTF8.GetString(buffer, 0, read));
                }

                _received.Add(text.ToString());
                await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"u8.ToArray());
            }
        }

        // A request is whole once its head ended and as many body bytes as it declared arrived.
        private static bool Complete(string text)
        {
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0)
            {
                return false;
            }

            var length = text[..end].Split("\r\n").FirstOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) is { } header
                ? int.Parse(header["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture)
                : 0;
            return Encoding.UTF8.GetByteCount(text[(end + 4)..]) >= length;
        }
    }
}
