namespace Exchange.Ledger.Tests.Support;

/// <summary>`exchange ledger witness` running as a separate process on a free loopback port, for one test.</summary>
internal sealed class WitnessProcess : IAsyncDisposable
{
    private readonly System.Diagnostics.Process _process;
    private readonly DirectoryInfo _directory;

    private WitnessProcess(System.Diagnostics.Process process, DirectoryInfo directory, Uri address, string verifierKey, string listening)
    {
        _process = process;
        _directory = directory;
        Address = address;
        VerifierKey = verifierKey;
        Listening = listening;
    }

    public Uri Address { get; }

    /// <summary>The witness's cosignature verifier key, as it printed it.</summary>
    public string VerifierKey { get; }

    /// <summary>The first line it printed.</summary>
    public string Listening { get; }

    public static async Task<WitnessProcess> StartAsync(string logVerifierKey)
    {
        var directory = Directory.CreateTempSubdirectory("ledger-witness-");
        var process = ChildProcess.Start("ExchangeCliDll", "ledger", "witness", "--name", "witness.test",
            "--key", Path.Combine(directory.FullName, "witness.key"), "--state", Path.Combine(directory.FullName, "state"),
            "--log-key", logVerifierKey);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var listening = await process.StandardOutput.ReadLineAsync(timeout.Token) ?? string.Empty;
        var key = (await process.StandardOutput.ReadLineAsync(timeout.Token) ?? string.Empty).Replace("verifier key: ", string.Empty, StringComparison.Ordinal);
        var at = listening.IndexOf("http://", StringComparison.Ordinal);
        Assert.True(at >= 0, $"the witness did not start: {listening}");
        return new WitnessProcess(process, directory, new Uri(listening[at..].TrimEnd('/') + "/"), key, listening);
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(CancellationToken.None);
        _process.Dispose();
        _directory.Delete(recursive: true);
    }
}
