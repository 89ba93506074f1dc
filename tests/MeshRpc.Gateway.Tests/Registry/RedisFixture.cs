using MeshRpc.Testing.Redis;
using StackExchange.Redis;

namespace MeshRpc.Gateway.Tests.Registry;

/// <summary>One redis-server for a test class, with a connection to it; each test writes under a prefix of its own.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private RedisServer? _server;

    /// <summary>The server.</summary>
    public RedisServer Server => _server!;

    /// <summary>A connection to it, as a gateway holds one.</summary>
    public IConnectionMultiplexer Connection { get; private set; } = null!;

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        _server = await RedisServer.StartAsync();
        Connection = await ConnectionMultiplexer.ConnectAsync(_server.Address);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
