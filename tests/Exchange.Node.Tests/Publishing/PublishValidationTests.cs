using Exchange.ChildProtection.Validation;
using Exchange.Contracts.ChildProtection.V1;
using Exchange.Contracts.Police.V1;
using Exchange.Contracts.V1;
using Exchange.Contracts.VeiligThuis.V1;
using Exchange.Node.Tests.Support;
using Exchange.Node.Validation;
using Exchange.Police.Validation;
using Exchange.ServiceDefaults.Identity;
using Exchange.VeiligThuis.Validation;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Signal = Exchange.Contracts.V1.Signal;

namespace Exchange.Node.Tests.Publishing;

public sealed class PublishValidationTests
{
    private static readonly CallerIdentity Police = new("politie-zwb");
    private static readonly CallerIdentity VeiligThuis = new("vt-mwb");
    private static readonly CallerIdentity Raad = new("rvdk-zuidwest");

    [Fact]
    public async Task A_safety_assessment_without_score_violence_type_or_sources_names_each_missing_field()
    {
        using var node = new NodeFixture("vt-mwb", Domain.VeiligThuis, "veiligthuis.v1", new Exchange.VeiligThuis.Validation.SafetyAssessmentValidator());
        var signal = Envelope(node, VeiligThuis, new Exchange.Contracts.VeiligThuis.V1.SafetyAssessment { AssessedAt = Now() });
        signal.Provenance.Sources.Clear();

        var fields = await Violations(node, VeiligThuis, signal, FieldPaths.Typed("assessment"));

        Assert.Equal(["assessment.score", "assessment.violence_type", "header.provenance.sources"], fields.Order());
    }

    [Theory]
    [InlineData(11u, true)]
    [InlineData(10u, false)]
    [InlineData(0u, false)]
    public async Task A_safety_assessment_score_must_lie_between_zero_and_ten(uint score, bool rejected)
    {
        using var node = new NodeFixture("vt-mwb", Domain.VeiligThuis, "veiligthuis.v1", new Exchange.VeiligThuis.Validation.SafetyAssessmentValidator());
        var signal = Envelope(node, VeiligThuis, new Exchange.Contracts.VeiligThuis.V1.SafetyAssessment { Score = score, ViolenceType = ViolenceType.Situational, AssessedAt = Now() });

        var fields = await Violations(node, VeiligThuis, signal, FieldPaths.Typed("assessment"));

        Assert.Equal(rejected, fields.Contains("assessment.score"));
    }

    [Fact]
    public async Task A_restraining_order_needs_a_kind_and_an_end_after_its_start()
    {
        using var node = new NodeFixture("politie-zwb", Domain.Police, "police.v1", new RestrainingOrderValidator());
        var start = DateTimeOffset.UtcNow;
        var order = new RestrainingOrder
        {
            RestrainedPerson = new SubjectRef { Pseudonym = node.Codec.ToOrganisation(node.Person("111222333"), "politie-zwb") },
            Period = new Period { Start = Timestamp.FromDateTimeOffset(start), End = Timestamp.FromDateTimeOffset(start.AddDays(-1)) },
        };

        var fields = await Violations(node, Police, Envelope(node, Police, order), FieldPaths.Typed("order"));

        Assert.Equal(["order.kind", "order.period.end"], fields.Order());
    }

    [Fact]
    public async Task A_court_hearing_needs_a_date()
    {
        using var node = new NodeFixture("rvdk-zuidwest", Domain.ChildProtection, "childprotection.v1", new CourtHearingScheduledValidator());
        var hearing = new CourtHearingScheduled
        {
            Children = { new SubjectRef { Pseudonym = node.Codec.ToOrganisation(node.Person("234567892"), "rvdk-zuidwest") } },
            Matter = HearingMatter.ContactArrangement,
        };

        var fields = await Violations(node, Raad, Envelope(node, Raad, hearing), FieldPaths.Typed("hearing"));

        Assert.Equal(["hearing.hearing_at"], fields);
    }

    [Fact]
    public async Task A_subject_that_is_not_the_publishers_own_pseudonym_is_rejected_by_its_position()
    {
        using var node = new NodeFixture("politie-zwb", Domain.Police, "police.v1");
        var signal = Envelope(node, Police, new AlarmDeviceIssued());
        signal.Subjects.Add(new SubjectRef { Pseudonym = node.Codec.ToOrganisation(node.Person("123456782"), "vt-mwb") });

        var fields = await Violations(node, Police, signal, FieldPaths.Typed("device"));

        Assert.Contains("header.subjects[1].pseudonym", fields);
    }

    [Fact]
    public async Task A_signal_without_provenance_or_time_is_rejected()
    {
        using var node = new NodeFixture("politie-zwb", Domain.Police, "police.v1");
        var signal = Envelope(node, Police, new AlarmDeviceIssued());
        signal.Provenance = null;
        signal.OccurredAt = null;

        var fields = await Violations(node, Police, signal, FieldPaths.Generic);

        Assert.Equal(["signal.occurred_at", "signal.provenance"], fields.Order());
    }

    [Fact]
    public async Task A_payload_of_another_domain_is_rejected()
    {
        using var node = new NodeFixture("politie-zwb", Domain.Police, "police.v1");
        var signal = Envelope(node, Police, new ShelterStay { InShelter = true });

        var fields = await Violations(node, Police, signal, FieldPaths.Generic);

        Assert.Equal(["signal.payload"], fields);
    }

    [Fact]
    public async Task A_valid_signal_is_stored_under_exchange_pseudonyms_once_per_idempotency_key()
    {
        using var node = new NodeFixture("politie-zwb", Domain.Police, "police.v1", new DomesticViolenceIncidentValidator());
        var leo = node.Codec.ToOrganisation(node.Person("111222333"), "politie-zwb");
        var nora = node.Codec.ToOrganisation(node.Person("123456782"), "politie-zwb");
        var signal = Envelope(node, Police, TestSignals.Incident(leo, nora), leo, nora);

        var first = await node.Publisher.PublishAsync(Police, signal, FieldPaths.Generic, TestContext.Current.CancellationToken);
        var again = await node.Publisher.PublishAsync(Police, signal, FieldPaths.Generic, TestContext.Current.CancellationToken);

        Assert.False(first.Duplicate);
        Assert.True(again.Duplicate);
        Assert.Equal(first.SignalId, again.SignalId);
        var stored = node.Store.Get(first.SignalId)!.Signal;
        Assert.Equal(new[] { node.Person("111222333"), node.Person("123456782") }.Order(), stored.Subjects.Select(s => s.Pseudonym).Order());
        Assert.Equal(node.Person("111222333"), stored.Payload.Unpack<DomesticViolenceIncident>().Suspect.Pseudonym);
    }

    private static Signal Envelope(NodeFixture node, CallerIdentity publisher, IMessage payload, params string[] subjects)
    {
        var signal = new Signal
        {
            OccurredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(-1)),
            Provenance = new Provenance
            {
                RecordedBy = new Actor { ProfessionalId = "p-1" },
                RecordedAt = Now(),
                Sources = { new Source { Kind = SourceKind.PoliceReport } },
            },
            Payload = Any.Pack(payload),
            IdempotencyKey = "key-1",
        };
        var people = subjects.Length > 0 ? subjects : [node.Codec.ToOrganisation(node.Person("111222333"), publisher.OrganisationId)];
        signal.Subjects.AddRange(people.Select(p => new SubjectRef { Pseudonym = p }));
        return signal;
    }

    private static async Task<IReadOnlyList<string>> Violations(NodeFixture node, CallerIdentity caller, Signal signal, FieldPaths paths)
    {
        try
        {
            await node.Publisher.PublishAsync(caller, signal, paths, TestContext.Current.CancellationToken);
            return [];
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.InvalidArgument)
        {
            return [.. exception.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field).Distinct()];
        }
    }

    private static Timestamp Now() => Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
}
