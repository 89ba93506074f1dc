using System.Buffers;
using System.Text;
using MeshRpc.Wire;
using StreamJsonRpc.Protocol;

namespace MeshRpc.Runtime.Tests.Wire;

public sealed class MeshJsonFormatterTests
{
    private static readonly MeshJsonFormatter Formatter = new(MeshJson.CreateOptions(null));

    [Fact]
    public void Result_IsIntact_AfterTheHandlerReusesItsBuffer()
    {
        // The message handler hands over one pooled buffer and refills it with the next frame once Deserialize returns;
        // StreamJsonRpc reads the result later, on the caller's continuation.
        var buffer = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"result":"ping"}""");
        var message = (JsonRpcResult)Formatter.Deserialize(new ReadOnlySequence<byte>(buffer));

        Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":2,"result":"XXXX"}""").CopyTo(buffer, 0);

        Assert.Equal("ping", message.GetResult<string>());
    }

    [Fact]
    public void RequestArguments_AreIntact_AfterTheHandlerReusesItsBuffer()
    {
        var buffer = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"Echo","params":["ping"]}""");
        var message = (JsonRpcRequest)Formatter.Deserialize(new ReadOnlySequence<byte>(buffer));

        Array.Fill(buffer, (byte)' ');

        Assert.Equal("Echo", message.Method);
        Assert.True(message.TryGetArgumentByNameOrIndex(null, 0, typeof(string), out var argument));
        Assert.Equal("ping", argument);
    }
}
