using Exchange.ServiceDefaults.Hosting;
using Exchange.Testing;

namespace Exchange.Security.Tests.Hosting;

/// <summary>What a service derives from options that follow the registry is replaced whole on every change.</summary>
public sealed class LiveSnapshotTests
{
    [Fact]
    public void A_change_of_options_replaces_the_derived_value_and_a_reader_keeps_the_one_it_took()
    {
        var options = new SettableOptions<string[]>(["vt-mwb"]);
        using var snapshot = new LiveSnapshot<string[], HashSet<string>>(options, ids => [.. ids]);
        var taken = snapshot.Current;

        options.Set(["vt-mwb", "vt-zeeland"]);

        Assert.Equal(["vt-mwb"], taken);
        Assert.Equal(["vt-mwb", "vt-zeeland"], snapshot.Current.Order());
    }

    [Fact]
    public void After_disposal_a_change_of_options_no_longer_reaches_it()
    {
        var options = new SettableOptions<string[]>(["vt-mwb"]);
        var snapshot = new LiveSnapshot<string[], HashSet<string>>(options, ids => [.. ids]);
        snapshot.Dispose();

        options.Set(["vt-zeeland"]);

        Assert.Equal(["vt-mwb"], snapshot.Current);
    }
}
