using Exchange.ServiceDefaults.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Exchange.Testing;

/// <summary>
/// One exchange service hosted in the test process on a real loopback socket (Kestrel, port chosen
/// by the OS), wired exactly as its Program.cs wires it: the same extension methods. Services check
/// callers' tokens as in production: give them <see cref="TestIdentity.TokenValidation"/>.
/// </summary>
public sealed class RunningService : IAsyncDisposable
{
    private RunningService(WebApplication app, string name)
    {
        App = app;
        Name = name;
        Address = new Uri(app.Urls.First());
    }

    public WebApplication App { get; }

    public string Name { get; }

    public Uri Address { get; }

    public bool IsRunning { get; private set; } = true;

    public IServiceProvider Services => App.Services;

    public static async Task<RunningService> StartAsync(
        string name,
        Type serviceAssemblyMarker,
        IReadOnlyDictionary<string, string?> configuration,
        Action<WebApplicationBuilder> add,
        Action<WebApplication> map,
        ILoggerProvider? logs = null,
        bool issuesTokens = false,
        string environment = "Testing")
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            ApplicationName = serviceAssemblyMarker.Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(configuration) { ["Endpoint:Url"] = configuration.GetValueOrDefault("Endpoint:Url") ?? "http://127.0.0.1:0" });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        if (logs is not null)
        {
            // Tests that capture logs read the gateway's forwarding lines (YARP, Information), which services start at Warning.
            builder.Configuration["Logging:LogLevel:Yarp"] ??= "Information";
            builder.Logging.AddProvider(logs);
        }

        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(5));
        if (issuesTokens)
        {
            // The identity service issues tokens and serves no partner RPC (its Program.cs does the same).
            builder.AddServiceHosting(name);
        }
        else
        {
            builder.AddServiceDefaults(name);
        }

        add(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new RunningService(app, name);
    }

    /// <summary>Stops the service, as when its process is killed or its host goes down.</summary>
    public async Task StopAsync()
    {
        if (!IsRunning)
        {
            return;
        }

        IsRunning = false;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await App.StopAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await App.DisposeAsync();
    }
}
