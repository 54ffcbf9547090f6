using Microsoft.AspNetCore.Http;

namespace Exchange.ServiceDefaults.Requests;

/// <summary>The wire protocol a request speaks, from its content type: only gRPC over HTTP/2 is served.</summary>
public enum WireProtocol
{
    /// <summary>application/grpc or application/grpc+proto.</summary>
    Grpc,

    /// <summary>application/grpc-web(-text)(+proto): answered with a status, not served.</summary>
    GrpcWeb,

    /// <summary>The Connect protocol (application/proto, application/json, application/connect+…): answered in its own error format, not served.</summary>
    Connect,

    /// <summary>Anything else, e.g. a browser or application/grpc+json.</summary>
    Other,
}

public static class GrpcProtocol
{
    public static WireProtocol Of(HttpRequest request)
    {
        var contentType = request.ContentType ?? string.Empty;
        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var mediaType = (semicolon < 0 ? contentType : contentType[..semicolon]).Trim().ToLowerInvariant();
        return mediaType switch
        {
            "application/grpc" or "application/grpc+proto" => WireProtocol.Grpc,
            _ when mediaType.StartsWith("application/grpc-web", StringComparison.Ordinal) => WireProtocol.GrpcWeb,
            "application/proto" or "application/json" => WireProtocol.Connect,
            _ when mediaType.StartsWith("application/connect+", StringComparison.Ordinal) => WireProtocol.Connect,
            _ when request.Headers.ContainsKey("connect-protocol-version") => WireProtocol.Connect,
            _ => WireProtocol.Other,
        };
    }

    /// <summary>A gRPC call proper: POST over HTTP/2 (or later) with a gRPC content type.</summary>
    public static bool IsGrpcCall(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && Of(request) == WireProtocol.Grpc;
}
