using System.Security.Cryptography.X509Certificates;
using Exchange.Client;
using Exchange.Pki;
using Exchange.ServiceDefaults.Identity;
using Exchange.ServiceDefaults.Security;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Exchange.ServiceDefaults.Clients;

/// <summary>
/// An exchange service's own identity for its internal calls: the identity service's client registered for it (with
/// its service role, and for a node the organisations it acts for) and that client's certificate of the exchange CA.
/// The identity service and the CA are the ones <see cref="TokenOptions"/> already names. Without
/// <see cref="ClientId"/> the service makes internal calls without a token, which every other service refuses.
/// </summary>
public sealed record ServiceIdentityOptions
{
    public const string Section = "Service";

    public string? ClientId { get; init; }

    public string? CertificatePath { get; init; }

    public string? KeyPath { get; init; }

    public bool IsConfigured => !string.IsNullOrEmpty(ClientId);

    public IEnumerable<string> Validate()
    {
        if (IsConfigured && (string.IsNullOrEmpty(CertificatePath) || string.IsNullOrEmpty(KeyPath)))
        {
            yield return $"{Section}:CertificatePath and {Section}:KeyPath are required with {Section}:ClientId.";
        }

        foreach (var (name, path) in new[] { ("CertificatePath", CertificatePath), ("KeyPath", KeyPath) })
        {
            if (IsConfigured && !string.IsNullOrEmpty(path) && !File.Exists(path))
            {
                yield return $"{Section}:{name} '{path}' does not exist.";
            }
        }
    }
}

/// <summary>
/// What an internal call carries: TLS with the service's client certificate to peers on https (which must chain to
/// the exchange CA), and in <see cref="ExchangeHeaders.ServiceAuthorization"/> the service's access token, bound to
/// that certificate, cached and renewed before it expires.
/// </summary>
public sealed class ServiceCredentials : IDisposable
{
    private readonly X509Certificate2? _certificate;
    private readonly X509Certificate2? _ca;
    private readonly PartnerTokenClient? _tokens;

    public ServiceCredentials(IOptions<ServiceIdentityOptions> options, IOptions<TokenOptions> tokens)
    {
        if (tokens.Value.IssuerCaPath is { Length: > 0 } caPath && File.Exists(caPath))
        {
            _ca = PemFiles.ReadCertificate(caPath);
        }

        var service = options.Value;
        if (!service.IsConfigured || _ca is null || tokens.Value.Issuer is not { } issuer)
        {
            return;
        }

        _certificate = X509Certificate2.CreateFromPemFile(service.CertificatePath!, service.KeyPath);
        _tokens = new PartnerTokenClient(issuer, _ca, _certificate, service.ClientId!, scopes: [ExchangeScopes.Internal]);
        CallCredentials = CallCredentials.FromInterceptor((call, metadata) => AddTokenAsync(metadata, call.CancellationToken));
    }

    public bool IsConfigured => _tokens is not null;

    /// <summary>The service's token as call credentials, one instance for every call; null without an identity.</summary>
    public CallCredentials? CallCredentials { get; }

    /// <summary>A connection handler: for https peers, the service's certificate and trust in the exchange CA only.</summary>
    public SocketsHttpHandler CreateHandler()
    {
        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2) };
        if (_ca is { } ca)
        {
            if (_certificate is not null)
            {
                handler.SslOptions.ClientCertificates = [_certificate];
            }

            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => PrivateCa.Validates(certificate, ca, errors);
        }

        return handler;
    }

    /// <summary>Adds the service's token to a call's metadata (nothing when the service has no identity).</summary>
    public async Task AddTokenAsync(Metadata metadata, CancellationToken cancellationToken)
    {
        if (_tokens is not null)
        {
            metadata.Add(ExchangeHeaders.ServiceAuthorization, "Bearer " + await _tokens.GetAccessTokenAsync(cancellationToken));
        }
    }

    public void Dispose()
    {
        _tokens?.Dispose();
        _certificate?.Dispose();
        _ca?.Dispose();
    }
}

/// <summary>Puts the service's own token on every outgoing call of a client.</summary>
public sealed class ServiceTokenInterceptor(ServiceCredentials credentials) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, With(context));

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, With(context));

    private ClientInterceptorContext<TRequest, TResponse> With<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class where TResponse : class =>
        credentials.CallCredentials is { } token
            ? new(context.Method, context.Host, context.Options.WithCredentials(token))
            : context;
}

public static class ServiceCredentialsExtensions
{
    /// <summary>The service's own identity for internal calls, from the <c>Service</c> section.</summary>
    public static IServiceCollection AddServiceCredentials(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(ServiceCredentials)))
        {
            return services;
        }

        services.AddOptions<ServiceIdentityOptions>().BindConfiguration(ServiceIdentityOptions.Section)
            .Validate(o => !o.Validate().Any(), "The Service section is invalid: give ClientId with CertificatePath and KeyPath that exist.")
            .ValidateOnStart();
        services.AddOptions<TokenOptions>().BindConfiguration(TokenOptions.Section);
        services.TryAddSingleton<ServiceCredentials>();
        return services;
    }
}
