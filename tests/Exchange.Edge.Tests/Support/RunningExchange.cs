namespace Exchange.Edge.Tests.Support;

/// <summary>One local exchange, started by the launcher as a script would, shared by the tests of external clients.</summary>
public sealed class RunningExchange : IAsyncLifetime
{
    public BackgroundLauncher Launcher { get; private set; } = null!;

    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["EXCHANGE_DATA"] = Launcher.DataDirectory };

    public async ValueTask InitializeAsync() => Launcher = await BackgroundLauncher.StartAsync();

    public async ValueTask DisposeAsync() => await Launcher.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class RunningExchangeCollection : ICollectionFixture<RunningExchange>
{
    public const string Name = "running exchange";
}
