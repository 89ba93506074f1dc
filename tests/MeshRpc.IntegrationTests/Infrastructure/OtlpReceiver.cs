using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MeshRpc.IntegrationTests.Infrastructure;

/// <summary>
/// An OTLP/HTTP endpoint for tests: keeps what processes export to it, and reads the spans out of trace exports (the
/// few protobuf fields a trace test needs, read by hand: there is no protobuf library here).
/// </summary>
public sealed class OtlpReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(string Path, byte[] Body)> _received = new();

    /// <summary>Starts listening on a free loopback port.</summary>
    public OtlpReceiver()
    {
        var port = FreePort();
        Address = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Address + "/");
        _listener.Start();
        _ = ServeAsync();
    }

    /// <summary>The endpoint, for <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</summary>
    public string Address { get; }

    /// <summary>Whether an export to <paramref name="path"/> held <paramref name="text"/> (protobuf keeps strings as UTF-8).</summary>
    public bool Received(string path, string text) =>
        _received.Any(r => r.Path == path && Encoding.UTF8.GetString(r.Body).Contains(text, StringComparison.Ordinal));

    /// <summary>Every span exported so far: its scope (the ActivitySource's name), ids as lowercase hex, name and kind.</summary>
    public IReadOnlyList<ExportedSpan> Spans() =>
    [
        .. _received.Where(r => r.Path == "/v1/traces").SelectMany(r =>
            Fields(r.Body, 1).SelectMany(resourceSpans =>
                Fields(resourceSpans, 2).SelectMany(scopeSpans =>
                {
                    var scope = Fields(scopeSpans, 1).Select(s => Text(Fields(s, 1).FirstOrDefault())).FirstOrDefault() ?? string.Empty;
                    return Fields(scopeSpans, 2).Select(span => new ExportedSpan(
                        scope,
                        Hex(Fields(span, 1).FirstOrDefault()),
                        Hex(Fields(span, 2).FirstOrDefault()),
                        Hex(Fields(span, 4).FirstOrDefault()),
                        Text(Fields(span, 5).FirstOrDefault())));
                }))),
    ];

    /// <inheritdoc />
    public void Dispose() => _listener.Close();

    // The length-delimited fields numbered 'number' of a protobuf message; other wire types are skipped.
    private static List<byte[]> Fields(byte[]? message, int number)
    {
        var found = new List<byte[]>();
        var at = 0;
        while (message is not null && at < message.Length)
        {
            var key = Varint(message, ref at);
            var (field, wireType) = ((int)(key >> 3), (int)(key & 7));
            switch (wireType)
            {
                case 0:
                    Varint(message, ref at);
                    break;
                case 1:
                    at += 8;
                    break;
                case 5:
                    at += 4;
                    break;
                case 2:
                    var length = (int)Varint(message, ref at);
                    if (field == number)
                    {
                        found.Add(message[at..(at + length)]);
                    }

                    at += length;
                    break;
                default:
                    throw new InvalidDataException($"Protobuf wire type {wireType} is not one an OTLP export uses.");
            }
        }

        return found;
    }

    private static ulong Varint(byte[] data, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[at++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }

    private static string Hex(byte[]? bytes) => bytes is null ? string.Empty : Convert.ToHexStringLower(bytes);

    private static string Text(byte[]? bytes) => bytes is null ? string.Empty : Encoding.UTF8.GetString(bytes);

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            _received.Enqueue((context.Request.Url!.AbsolutePath, body.ToArray()));
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}

/// <summary>A span as an OTLP export carried it.</summary>
public sealed record ExportedSpan(string Scope, string TraceId, string SpanId, string ParentSpanId, string Name);
