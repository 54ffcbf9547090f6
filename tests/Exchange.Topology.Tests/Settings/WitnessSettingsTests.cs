using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Hosting;
using Exchange.Ledger.Witness;
using Exchange.Testing;
using Exchange.Topology.Settings;
using Microsoft.Extensions.Configuration;

namespace Exchange.Topology.Tests.Settings;

/// <summary>An exchange that runs a witness wires it to the ledger from the topology alone: keys, address and start order.</summary>
public sealed class WitnessSettingsTests : IDisposable
{
    private readonly TestPki _pki = new();
    private readonly TempDirectory _data = new();

    public void Dispose()
    {
        _data.Dispose();
        _pki.Dispose();
    }

    [Fact]
    public void The_witness_starts_before_the_ledger_which_has_it_cosign_and_each_is_given_the_others_verifier_key()
    {
        var topology = TestTopology.Create(_pki, _data.Path, ["identity", "policy", "index", "witness"]);
        var witness = topology.Require(ExchangePart.Witness);

        var ledger = Bound(topology.For(topology.Require(ExchangePart.Policy))).GetSection("Ledger").Get<LedgerOptions>()!;
        var options = Bound(topology.For(witness)).GetSection(WitnessOptions.Section).Get<WitnessOptions>()!;

        var order = topology.StartOrder.Select(p => p.Part).ToList();
        Assert.True(order.IndexOf(ExchangePart.Witness) < order.IndexOf(ExchangePart.Policy), string.Join(", ", order));
        using var key = WitnessKey.LoadOrCreate(options.KeyPath, options.Name);
        using var signer = NoteSigner.LoadOrCreate(topology.LedgerSigningKey, topology.LedgerOrigin);
        var configured = Assert.Single(ledger.Witnesses);
        Assert.Equal((witness.Url, key.VerifierKey), (configured.Address, configured.VerifierKey));
        Assert.Equal([signer.VerifierKey], options.LogVerifierKeys);
        Assert.Equal("exchange.test/witness", options.Name);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Without_a_witness_in_the_topology_the_ledger_has_none_to_ask()
    {
        var topology = TestTopology.Create(_pki, _data.Path, ["identity", "policy", "index"]);

        var ledger = Bound(topology.For(topology.Require(ExchangePart.Policy))).GetSection("Ledger").Get<LedgerOptions>()!;

        Assert.Empty(ledger.Witnesses);
        Assert.False(File.Exists(topology.WitnessKeyFile));
    }

    private static IConfiguration Bound(ProcessConfiguration configuration) =>
        new ConfigurationBuilder().AddInMemoryCollection(configuration.ToSettings()!).Build();
}
