using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Exchange.Testing;

/// <summary>
/// One exchange service as its own process, started from its project's build output with the same settings a
/// <see cref="RunningService"/> would get (as environment variables), so that a test can kill it with SIGKILL
/// mid-call and start it again on the same port and data. The process stops by itself when the test host dies
/// (<c>Hosting:ParentProcessId</c>).
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private readonly Process _process;
    private readonly StringBuilder _output;

    private readonly X509Certificate2? _ca;

    private ServiceProcess(string name, Process process, StringBuilder output, Uri address, X509Certificate2? ca)
    {
        Name = name;
        _process = process;
        _output = output;
        Address = address;
        _ca = ca;
    }

    public string Name { get; }

    public Uri Address { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>What the service wrote to its console so far, for an assertion's message.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="assemblyName"/> (e.g. Exchange.Policy) from <paramref name="projectDirectory"/>'s build output
    /// and waits until it answers gRPC health checks at <c>Endpoint:Url</c> (over https, trusting <paramref name="ca"/>).
    /// </summary>
    public static async Task<ServiceProcess> StartAsync(
        string name, string projectDirectory, string assemblyName, IReadOnlyDictionary<string, string?> configuration, X509Certificate2? ca = null)
    {
        var url = configuration.GetValueOrDefault("Endpoint:Url") ?? throw new ArgumentException("A service process needs a fixed Endpoint:Url.", nameof(configuration));
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        info.ArgumentList.Add(AssemblyPath(projectDirectory, assemblyName));
        foreach (var (key, value) in configuration)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        info.Environment["Hosting__ParentProcessId"] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        info.Environment["Logging__Console__FormatterName"] = "simple";
        info.Environment["DOTNET_gcServer"] = "0";

        var output = new StringBuilder();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var service = new ServiceProcess(name, process, output, new Uri(url), ca);
        try
        {
            await service.WaitUntilHealthyAsync();
            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL: no shutdown, no flush, no goodbye to open connections.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        finally
        {
            _process.Dispose();
        }
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var channel = _ca is null
            ? GrpcChannel.ForAddress(Address)
            : GrpcChannel.ForAddress(Address, new GrpcChannelOptions
            {
                HttpHandler = new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, c, _, e) => Pki.PrivateCa.Validates(c, _ca, e) } },
                DisposeHttpClient = true,
            });
        var health = new Health.HealthClient(channel);
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} before it was healthy:{Environment.NewLine}{Output}");
            }

            try
            {
                var answer = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(5));
                if (answer.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    return;
                }
            }
            catch (Grpc.Core.RpcException) when (DateTime.UtcNow < deadline)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Name} did not become healthy within {Patience.TotalSeconds} s:{Environment.NewLine}{Output}");
            }

            await Task.Delay(200);
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            // Bounded: a long test keeps the tail, which is what a failure message needs.
            if (output.Length > 200_000)
            {
                output.Remove(0, 100_000);
            }

            output.AppendLine(line);
        }
    }

    private static string AssemblyPath(string projectDirectory, string assemblyName)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var path = Repository.Path(projectDirectory, "bin", configuration, "net10.0", assemblyName + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build the solution first: {assemblyName} is missing.", path);
    }
}
