using Exchange.Contracts.V1;
using Exchange.Gateway;
using Exchange.Index.Hosting;
using Exchange.Node.Hosting;
using Exchange.Testing;
using Exchange.Topology.Settings;
using Microsoft.Extensions.Configuration;

namespace Exchange.Topology.Tests.Settings;

/// <summary>
/// The topology writes each service's own options types as configuration keys: what a service binds from them must
/// be what the topology chose, or a process would silently run with a default instead.
/// </summary>
public sealed class ProcessConfigurationTests(ProcessConfigurationTests.WholeExchange exchange) : IClassFixture<ProcessConfigurationTests.WholeExchange>
{
    private readonly ExchangeTopology _topology = exchange.Topology;

    public static TheoryData<string> Processes => ["identity", "policy", "index", "registry", "police", "veiligthuis", "childprotection", "socialteam", "gateway", "console"];

    [Theory]
    [MemberData(nameof(Processes))]
    public void Every_section_a_process_is_given_binds_back_to_the_options_the_topology_chose(string name)
    {
        var configuration = _topology.For(_topology.Process(name));
        var settings = configuration.ToSettings();
        var bound = new ConfigurationBuilder().AddInMemoryCollection(settings!).Build();

        foreach (var (section, options) in configuration.Sections)
        {
            var readBack = bound.GetSection(section).Get(options.GetType());
            Assert.NotNull(readBack);
            Assert.Equal(Written(section, options), Written(section, readBack));
        }
    }

    [Fact]
    public void Only_what_differs_from_a_services_defaults_is_written_so_the_service_keeps_its_own_defaults()
    {
        var settings = _topology.For(_topology.Require(ExchangePart.Gateway)).ToSettings();

        Assert.DoesNotContain(settings.Keys, k => k.StartsWith("Gateway:Deadlines:", StringComparison.Ordinal));
        Assert.Contains("Gateway:IndexAddress", settings.Keys);
    }

    [Fact]
    public void The_gateway_and_the_index_send_each_partners_calls_to_the_shared_node_of_its_domain_and_that_node_holds_it()
    {
        var gateway = _topology.For(_topology.Require(ExchangePart.Gateway)).Get<GatewayOptions>(GatewayOptions.Section);
        var index = _topology.For(_topology.Require(ExchangePart.Index)).Get<IndexOptions>(IndexOptions.Section);

        Assert.NotEmpty(_topology.Partners);
        foreach (var partner in _topology.Partners)
        {
            var node = _topology.NodeFor(partner.Domain);
            Assert.Equal(node.Url, Assert.Single(gateway.Partners, p => p.Id == partner.Id).ServiceAddress);
            // Partners' calls arrive from the gateway; deliveries are internal calls, at the node's internal endpoint.
            Assert.Equal(node.CallUrl, Assert.Single(index.Partners, p => p.Id == partner.Id).NodeAddress);
            Assert.Contains(partner.Id, _topology.For(node).Get<NodeOptions>(NodeOptions.Section).Organisations);
        }
    }

    [Fact]
    public void A_process_outside_the_topology_is_named_in_the_error()
    {
        var topology = exchange.Topology with { Processes = [.. exchange.Topology.Processes.Where(p => p.Part != ExchangePart.Gateway)] };

        var error = Assert.Throws<InvalidOperationException>(() => topology.Require(ExchangePart.Gateway));
        Assert.Contains("Gateway", error.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Written(string section, object options)
    {
        var written = new Dictionary<string, string>(StringComparer.Ordinal);
        SettingsWriter.Write(written, section, options);
        return written;
    }

    /// <summary>Every process of the launcher's exchange, with the test CA (its certificates are made once for the class).</summary>
    public sealed class WholeExchange : IDisposable
    {
        private readonly TestPki _pki = new();
        private readonly TempDirectory _data = new();

        public WholeExchange()
        {
            Topology = TestTopology.Create(_pki, _data.Path, ["identity", "policy", "index", "registry", .. TestTopology.Nodes, "gateway", "console"]);
        }

        public ExchangeTopology Topology { get; }

        public void Dispose()
        {
            _data.Dispose();
            _pki.Dispose();
        }
    }
}
