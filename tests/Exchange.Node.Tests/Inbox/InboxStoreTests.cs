using Exchange.Contracts.V1;
using Exchange.Node.Tests.Support;

namespace Exchange.Node.Tests.Inbox;

public sealed class InboxStoreTests : IDisposable
{
    private readonly NodeFixture _node = new("vt-mwb");

    public void Dispose() => _node.Dispose();

    [Fact]
    public void A_delivery_with_a_key_already_delivered_is_stored_once()
    {
        var first = _node.Inbox.Deliver("vt-mwb", "signal-1:vt-mwb", Signal("signal-1"), new DisclosureReceipt());
        var again = _node.Inbox.Deliver("vt-mwb", "signal-1:vt-mwb", Signal("signal-1"), new DisclosureReceipt());

        Assert.False(first.Duplicate);
        Assert.True(again.Duplicate);
        Assert.Equal(first.Cursor, again.Cursor);
        Assert.Single(_node.Inbox.Read("vt-mwb", 0, 10));
    }

    [Fact]
    public void Reading_after_a_cursor_resumes_where_the_reader_left_off_in_order()
    {
        var cursors = Enumerable.Range(1, 5).Select(i => _node.Inbox.Deliver("vt-mwb", $"k{i}", Signal($"s{i}"), new DisclosureReceipt()).Cursor).ToList();

        var resumed = _node.Inbox.Read("vt-mwb", cursors[1], 10);

        Assert.Equal(["s3", "s4", "s5"], resumed.Select(d => d.Signal.Id));
        Assert.Equal(cursors[2..], resumed.Select(d => d.Cursor));
    }

    [Fact]
    public void An_inbox_shows_only_its_own_organisations_deliveries()
    {
        _node.Inbox.Deliver("vt-mwb", "a", Signal("mine"), new DisclosureReceipt());
        _node.Inbox.Deliver("swt-tilburg", "b", Signal("theirs"), new DisclosureReceipt());

        Assert.Equal(["mine"], _node.Inbox.Read("vt-mwb", 0, 10).Select(d => d.Signal.Id));
    }

    [Fact]
    public void An_acknowledgement_only_moves_forward()
    {
        Assert.Equal(5u, _node.Inbox.Acknowledge("vt-mwb", 5));
        Assert.Equal(5u, _node.Inbox.Acknowledge("vt-mwb", 3));
        Assert.Equal(5u, _node.Inbox.AcknowledgedThrough("vt-mwb"));
    }

    [Fact]
    public async Task A_waiting_reader_is_woken_by_the_next_delivery()
    {
        var arrival = _node.Inbox.NextArrival("vt-mwb");
        Assert.False(arrival.IsCompleted);

        _node.Inbox.Deliver("vt-mwb", "k", Signal("s"), new DisclosureReceipt());

        await arrival.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    [Fact]
    public void Deliveries_are_encrypted_at_rest()
    {
        var signal = Signal("s");
        signal.Provenance = new Provenance { RecordedBy = new Actor { ProfessionalId = "readable-marker-42" } };
        _node.Inbox.Deliver("vt-mwb", "k", signal, new DisclosureReceipt());

        using var connection = _node.Database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT delivery FROM inbox";
        var stored = (byte[])command.ExecuteScalar()!;

        Assert.DoesNotContain("readable-marker-42", System.Text.Encoding.UTF8.GetString(stored), StringComparison.Ordinal);
    }

    private static Signal Signal(string id) => new() { Id = id, HolderOrganisationId = "politie-zwb" };
}
