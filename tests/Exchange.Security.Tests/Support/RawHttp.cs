using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Exchange.Pki;
using Google.Protobuf;

namespace Exchange.Security.Tests.Support;

/// <summary>Everything an answer carried on the wire: HTTP status, headers, body and trailers.</summary>
public sealed record RawAnswer(int HttpStatus, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body, IReadOnlyList<KeyValuePair<string, string>> Trailers)
{
    /// <summary>The gRPC status, from the trailers or (a trailers-only answer) the headers.</summary>
    public int? GrpcStatus => Value("grpc-status") is { } status ? int.Parse(status, System.Globalization.CultureInfo.InvariantCulture) : null;

    public string? GrpcMessage => Value("grpc-message");

    /// <summary>The google.rpc.Status the answer carried, if any.</summary>
    public Google.Rpc.Status? Details => Value("grpc-status-details-bin") is { } details
        ? Google.Rpc.Status.Parser.ParseFrom(Convert.FromBase64String(details.PadRight(details.Length + ((4 - (details.Length % 4)) % 4), '=')))
        : null;

    public string? Reason => Details?.Details.Select(d => d.TryUnpack<Google.Rpc.ErrorInfo>(out var info) ? info.Reason : null).FirstOrDefault(r => r is not null);

    /// <summary>Every byte of the answer, as text: what a client could show a person, or a log could keep.</summary>
    public string Everything => string.Join('\n', Headers.Concat(Trailers).Select(h => $"{h.Key}: {h.Value}")) + "\n" + Encoding.UTF8.GetString(Body);

    private string? Value(string name) =>
        Trailers.Concat(Headers).Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();
}

/// <summary>
/// HTTP/2 requests to the gateway built by hand, byte for byte as any client (buf curl, grpc-js, a Connect client)
/// could send them, and answers read to the last trailer: what the tests of the edge assert on.
/// </summary>
public static class RawHttp
{
    public static async Task<RawAnswer> PostAsync(
        Uri gateway, X509Certificate2? ca, X509Certificate2? client, string path, byte[] body,
        IEnumerable<(string Name, string Value)>? headers = null, string contentType = "application/grpc", bool sendContentLength = false)
    {
        using var handler = new SocketsHttpHandler();
        if (ca is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => PrivateCa.Validates(certificate, ca, errors);
        }

        if (client is not null)
        {
            handler.SslOptions.ClientCertificates = [client];
        }

        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway, path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = sendContentLength ? new ByteArrayContent(body) : new StreamContent(new MemoryStream(body)),
        };
        request.Content.Headers.TryAddWithoutValidation("content-type", contentType);
        if (!sendContentLength)
        {
            request.Content.Headers.ContentLength = null;
        }

        request.Headers.TryAddWithoutValidation("te", "trailers");
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return new RawAnswer(
            (int)response.StatusCode,
            [.. response.Headers.Concat(response.Content.Headers).SelectMany(h => h.Value.Select(v => KeyValuePair.Create(h.Key, v)))],
            bytes,
            [.. response.TrailingHeaders.SelectMany(h => h.Value.Select(v => KeyValuePair.Create(h.Key, v)))]);
    }

    /// <summary>One gRPC message frame: flag, big-endian length, the bytes (gzip-compressed when asked).</summary>
    public static byte[] Frame(byte[] message, bool gzip = false)
    {
        var payload = message;
        if (gzip)
        {
            using var compressed = new MemoryStream();
            using (var zip = new GZipStream(compressed, CompressionLevel.Optimal))
            {
                zip.Write(message);
            }

            payload = compressed.ToArray();
        }

        var frame = new byte[5 + payload.Length];
        frame[0] = gzip ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    public static byte[] Frame(IMessage message, bool gzip = false) => Frame(message.ToByteArray(), gzip);
}
