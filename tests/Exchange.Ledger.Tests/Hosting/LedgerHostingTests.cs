using Exchange.Ledger.Hosting;
using Exchange.Ledger.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Exchange.Ledger.Tests.Hosting;

public sealed class LedgerHostingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddDisclosureLedger(builder.Configuration.GetSection("Ledger"));
        return builder.Build();
    }

    [Fact]
    public async Task The_injected_ledger_fails_closed_before_the_host_starts_and_after_it_stops_and_works_in_between()
    {
        await using var test = await TestLedger.CreateAsync(StoreKind.Sqlite);
        using var host = BuildHost(new()
        {
            ["Ledger:SqlitePath"] = test.Options.SqlitePath,
            ["Ledger:SigningKeyPath"] = test.Options.SigningKeyPath,
        });
        var ledger = host.Services.GetRequiredService<IDisclosureLedger>();

        await Assert.ThrowsAsync<LedgerUnavailableException>(async () => await ledger.AppendAsync([SampleEntries.Decision("nora")], Ct));
        await host.StartAsync(Ct);
        Assert.Equal([0UL], await ledger.AppendAsync([SampleEntries.Decision("nora")], Ct));
        await host.StopAsync(Ct);
        await Assert.ThrowsAsync<LedgerUnavailableException>(async () => await ledger.AppendAsync([SampleEntries.Decision("nora")], Ct));
    }

    [Fact]
    public async Task A_host_with_invalid_ledger_options_does_not_start()
    {
        using var host = BuildHost(new() { ["Ledger:Store"] = "Postgres", ["Ledger:Origin"] = "has space" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Contains(error.Failures, f => f.Contains("PostgresConnectionString", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Origin", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_host_signs_checkpoints_periodically_while_the_ledger_grows()
    {
        await using var test = await TestLedger.CreateAsync(StoreKind.Sqlite);
        using var host = BuildHost(new()
        {
            ["Ledger:SqlitePath"] = test.Options.SqlitePath,
            ["Ledger:SigningKeyPath"] = test.Options.SigningKeyPath,
            ["Ledger:CheckpointInterval"] = "00:00:00.100",
        });
        await host.StartAsync(Ct);
        var ledger = host.Services.GetRequiredService<IDisclosureLedger>();
        await ledger.AppendAsync([SampleEntries.Decision("nora"), SampleEntries.Decision("leo")], Ct);

        await using var store = DisclosureLedger.CreateStore(test.Options);
        await store.InitializeAsync(Ct);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await store.ReadCheckpointsAsync(Ct)).All(c => c.TreeSize != 2) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, Ct);
        }

        Assert.Contains(await store.ReadCheckpointsAsync(Ct), c => c.TreeSize == 2);
        await host.StopAsync(Ct);
    }
}
