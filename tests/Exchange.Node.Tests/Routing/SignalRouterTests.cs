using Exchange.Contracts.Index.V1;
using Exchange.Contracts.Police.V1;
using Exchange.Contracts.V1;
using Exchange.Node.Routing;
using Exchange.Node.Tests.Support;
using Grpc.Core;

namespace Exchange.Node.Tests.Routing;

public sealed class SignalRouterTests : IDisposable
{
    private readonly NodeFixture _node = new();
    private readonly string _leo;
    private readonly string _nora;

    public SignalRouterTests()
    {
        _leo = _node.Person("111222333");
        _nora = _node.Person("123456782");
        _node.Index.Recipients.Add(Recipient("vt-mwb", Purpose.SafetyAssessment, _nora, _leo));
        _node.Index.Recipients.Add(Recipient("swt-tilburg", Purpose.RecoveryPlanning, _nora));
    }

    public void Dispose() => _node.Dispose();

    [Fact]
    public async Task A_published_signal_reaches_every_involved_organisation_redacted_to_what_was_released()
    {
        _node.Authority.Rule = r => r.Recipient.OrganisationId == "vt-mwb"
            ? (Decision.Permit, [.. r.Categories])
            : (Decision.PartialPermit, [DataCategory.Incident]);
        Publish();

        await _node.Router().RouteDueAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["swt-tilburg", "vt-mwb"], _node.Delivery.Calls.Select(c => c.RecipientOrganisationId).Order());
        var atTeam = _node.Delivery.Calls.Single(c => c.RecipientOrganisationId == "swt-tilburg").Signal.Payload.Unpack<DomesticViolenceIncident>();
        Assert.Equal("pushed against the wall", atTeam.Narrative);
        Assert.Null(atTeam.Suspect);
        Assert.Empty(atTeam.Offence);
        Assert.Equal(_node.Codec.ToOrganisation(_nora, "swt-tilburg"), atTeam.Victims[0].Pseudonym);
        Assert.All(_node.Authority.Decisions, d => Assert.Equal(DisclosureKind.Push, d.Kind));
    }

    [Fact]
    public async Task Each_push_is_decided_for_the_recipients_purpose_with_the_categories_the_payload_holds()
    {
        Publish();

        await _node.Router().RouteDueAsync(TestContext.Current.CancellationToken);

        var toTeam = _node.Authority.Decisions.Single(d => d.Recipient.OrganisationId == "swt-tilburg");
        Assert.Equal(Purpose.RecoveryPlanning, toTeam.Purpose);
        Assert.Equal([DataCategory.Incident, DataCategory.Criminal], toTeam.Categories.Order());
        Assert.Equal(new[] { _leo, _nora }.Order(), toTeam.Subjects.Select(s => s.Pseudonym).Order());
    }

    [Fact]
    public async Task A_denied_recipient_receives_nothing()
    {
        _node.Authority.Rule = r => r.Recipient.OrganisationId == "vt-mwb" ? (Decision.Permit, [.. r.Categories]) : (Decision.Deny, []);
        Publish();

        await _node.Router().RouteDueAsync(TestContext.Current.CancellationToken);

        Assert.Equal("vt-mwb", Assert.Single(_node.Delivery.Calls).RecipientOrganisationId);
    }

    [Fact]
    public async Task A_recipient_with_nothing_released_from_the_payload_receives_nothing()
    {
        _node.Authority.Rule = r => r.Recipient.OrganisationId == "vt-mwb" ? (Decision.Permit, [.. r.Categories]) : (Decision.PartialPermit, [DataCategory.Measure]);
        Publish();

        await _node.Router().RouteDueAsync(TestContext.Current.CancellationToken);

        Assert.DoesNotContain(_node.Delivery.Calls, c => c.RecipientOrganisationId == "swt-tilburg");
    }

    [Fact]
    public async Task Routing_that_stops_half_way_resumes_and_delivers_each_recipient_exactly_once()
    {
        _node.Delivery.Target = _node.Inbox;
        _node.Delivery.Unreachable.Add("vt-mwb");
        var signalId = Publish();

        await _node.Router().RouteDueAsync(TestContext.Current.CancellationToken);
        Assert.Equal(["swt-tilburg"], _node.Delivery.Calls.Select(c => c.RecipientOrganisationId));

        // The service restarts: a new router, the same outbox; the peer is back.
        _node.Delivery.Unreachable.Clear();
        _node.Time.Now = _node.Time.Now.AddMinutes(1);
        await _node.Router().RouteDueAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["swt-tilburg", "vt-mwb"], _node.Delivery.Calls.Select(c => c.RecipientOrganisationId));
        Assert.Single(_node.Inbox.Read("vt-mwb", 0, 10));
        Assert.Single(_node.Inbox.Read("swt-tilburg", 0, 10));
        Assert.Equal("delivered", _node.Routing.Outcomes(signalId)["vt-mwb"]);
    }

    [Fact]
    public async Task A_delivery_made_but_not_yet_recorded_when_the_service_died_lands_once()
    {
        _node.Delivery.Target = _node.Inbox;
        var signalId = Publish();
        await _node.Router().RouteDueAsync(TestContext.Current.CancellationToken);

        // As if the process died after delivering to the social team but before noting it.
        using (var connection = _node.Database.Open())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "DELETE FROM routing_done WHERE recipient = 'swt-tilburg'; UPDATE routing SET completed = 0;";
            command.ExecuteNonQuery();
        }

        // A dead router's claim is taken over once its lease ends.
        _node.Time.Now += RoutingStore.ClaimLease;
        await _node.Router().RouteDueAsync(TestContext.Current.CancellationToken);

        Assert.Equal(2, _node.Delivery.Calls.Count(c => c.RecipientOrganisationId == "swt-tilburg"));
        Assert.Single(_node.Inbox.Read("swt-tilburg", 0, 10));
        Assert.Equal("delivered", _node.Routing.Outcomes(signalId)["swt-tilburg"]);
    }

    [Fact]
    public async Task With_the_policy_service_unreachable_nothing_is_delivered_and_routing_is_retried_later()
    {
        _node.Authority.Failure = new RpcException(new Status(StatusCode.Unavailable, "policy down"));
        var signalId = Publish();

        await _node.Router().RouteDueAsync(TestContext.Current.CancellationToken);

        Assert.Empty(_node.Delivery.Calls);
        Assert.Equal(1, _node.Routing.Attempts(signalId));
        Assert.Empty(_node.Routing.Due(_node.Time.Now, 10));
        Assert.Equal([signalId], _node.Routing.Due(_node.Time.Now.AddMinutes(1), 10));
    }

    [Fact]
    public async Task The_index_learns_the_family_and_who_is_alleged_to_have_used_violence_against_whom_from_an_incident()
    {
        Publish();

        await _node.Router().RouteDueAsync(TestContext.Current.CancellationToken);

        var facts = Assert.Single(_node.Index.Facts);
        Assert.Equal([_leo], facts.AllegedPerpetrators);
        Assert.Equal([_nora], facts.Victims);
    }

    private string Publish()
    {
        var (stored, _) = _node.Store.Add(TestSignals.Stored("politie-zwb", TestSignals.Incident(_leo, _nora), _leo, _nora));
        return stored.Id;
    }

    private static Recipient Recipient(string organisation, Purpose purpose, params string[] subjects)
    {
        var recipient = new Recipient { OrganisationId = organisation, Purpose = purpose, NodeAddress = $"http://{organisation}.test" };
        recipient.Subjects.AddRange(subjects);
        return recipient;
    }
}
