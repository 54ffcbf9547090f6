using Exchange.Contracts.Classification;
using Exchange.Contracts.Police.V1;
using Exchange.Contracts.V1;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Requests;
using Exchange.ServiceDefaults.Security;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Security.Tests.Contracts;

/// <summary>Every string and list a partner can send has a bound in its contract, and the bound is what is enforced.</summary>
public sealed class ContractLimitsTests
{
    [Fact]
    public void Every_string_and_repeated_field_a_partner_can_send_declares_its_bound()
    {
        var unbounded = new SortedSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<MessageDescriptor>();
        var requests = RpcPermissions.Rules
            .Where(r => r.Exposure == RpcExposure.Partner)
            // The registry's partner-facing calls are rewritten with its onboarding track, bounds included.
            .Where(r => !r.Service.StartsWith("registry.", StringComparison.Ordinal))
            .Select(r => RpcPermissions.Method(r.Path)!.InputType);
        var payloads = Payloads.PayloadMessages(Payloads.Files.Where(f => f.Package != "exchange.v1"));
        foreach (var message in requests.Concat(payloads))
        {
            CollectUnbounded(message, seen, unbounded);
        }

        Assert.Empty(unbounded);
        Assert.True(seen.Count > 40, "the request messages were not found");
    }

    [Fact]
    public void A_string_over_its_bound_is_refused_on_its_field_without_repeating_the_value()
    {
        var request = new DisclosureRequest { Requester = new Actor { Role = "wijkagent", ProfessionalId = new string('p', 900 * 1024) } };
        var violations = new FieldViolations();

        ContractLimits.Check(request, violations);

        var violation = Assert.Single(violations.Items);
        Assert.Equal("requester.professional_id", violation.Field);
        Assert.DoesNotContain("ppp", violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_list_over_its_bound_and_a_payload_field_over_its_bound_are_each_named()
    {
        var header = new SignalHeader();
        header.Subjects.AddRange(Enumerable.Range(0, 51).Select(_ => new SubjectRef { Pseudonym = "a" }));
        var incident = new DomesticViolenceIncident { Narrative = new string('n', 10_001) };
        var signal = new Signal { Payload = Any.Pack(incident) };
        var violations = new FieldViolations();

        ContractLimits.Check(new PublishIncidentRequest { Header = header, Incident = incident }, violations);
        ContractLimits.Check(new PublishRequest { Signal = signal }, violations);

        Assert.Equal(["header.subjects", "incident.narrative", "signal.payload.narrative"], violations.Items.Select(v => v.Field));
    }

    [Fact]
    public void A_bound_counts_characters_not_bytes()
    {
        var violations = new FieldViolations();

        ContractLimits.Check(new DisclosureRequest { Requester = new Actor { Role = new string('é', 100) } }, violations);

        Assert.True(violations.IsEmpty);
    }

    [Fact]
    public void Payload_bytes_that_do_not_decode_as_their_type_are_refused_on_the_value()
    {
        var signal = new Signal { Payload = new Any { TypeUrl = "type.googleapis.com/police.v1.RestrainingOrder", Value = ByteString.CopyFrom(0xff, 0xff, 0xff) } };
        var violations = new FieldViolations();

        ContractLimits.Check(new PublishRequest { Signal = signal }, violations);

        Assert.Equal("signal.payload.value", Assert.Single(violations.Items).Field);
    }

    private static void CollectUnbounded(MessageDescriptor message, HashSet<MessageDescriptor> seen, SortedSet<string> unbounded)
    {
        if (message.File.Package.StartsWith("google.", StringComparison.Ordinal) || !seen.Add(message))
        {
            return;
        }

        foreach (var field in message.Fields.InDeclarationOrder())
        {
            var limits = field.GetOptions()?.HasExtension(LimitsExtensions.Limits) == true ? field.GetOptions().GetExtension(LimitsExtensions.Limits) : null;
            if (field.IsRepeated && (limits?.MaxItems ?? 0) == 0)
            {
                unbounded.Add($"{field.FullName} (items)");
            }

            if (field.FieldType == FieldType.String && (limits?.MaxLength ?? 0) == 0)
            {
                unbounded.Add($"{field.FullName} (length)");
            }

            if (field.FieldType == FieldType.Message)
            {
                CollectUnbounded(field.MessageType, seen, unbounded);
            }
        }
    }
}
