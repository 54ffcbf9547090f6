using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Exchange.Policy.Engine;
using Exchange.Policy.Tests.Support;

namespace Exchange.Policy.Tests.Evaluation;

public sealed class RequestValidatorTests
{
    private static readonly Engine.Compilation.CompiledBundle Bundle = TestBundle.Compile(TestBundle.PoliceToVtRule);

    public static TheoryData<string, string> InvalidRequests() => new()
    {
        { "no holder", "holder_organisation_id" },
        { "unknown holder", "holder_organisation_id" },
        { "no recipient", "recipient.organisation_id" },
        { "unknown recipient", "recipient.organisation_id" },
        { "no subject", "subjects" },
        { "unspecified purpose", "purpose" },
        { "purpose outside the contracts", "purpose" },
        { "unknown legal basis", "legal_basis.id" },
        { "no category", "categories" },
        { "unspecified category", "categories[1]" },
        { "category outside the contracts", "categories[0]" },
        { "unspecified kind", "kind" },
        { "break-glass without justification", "break_glass.justification" },
        { "pull without an acting professional", "recipient.professional_id" },
    };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public void An_invalid_request_is_refused_naming_the_field(string defect, string field)
    {
        var request = Requests.PoliceToVtFor(Purpose.SafetyAssessment, DataCategory.Incident, DataCategory.Safety);
        var facts = Requests.PoliceToVt();
        switch (defect)
        {
            case "no holder": request.HolderOrganisationId = string.Empty; break;
            case "unknown holder": facts = facts with { HolderDomain = Domain.Unspecified }; break;
            case "no recipient": request.Recipient = null; break;
            case "unknown recipient": facts = facts with { RecipientDomain = Domain.Unspecified }; break;
            case "no subject": request.Subjects.Clear(); break;
            case "unspecified purpose": request.Purpose = Purpose.Unspecified; break;
            case "purpose outside the contracts": request.Purpose = (Purpose)99; break;
            case "unknown legal basis": request.LegalBasis.Id = "wpg-99"; break;
            case "no category": request.Categories.Clear(); break;
            case "unspecified category": request.Categories[1] = DataCategory.Unspecified; break;
            case "category outside the contracts": request.Categories[0] = (DataCategory)40; break;
            case "unspecified kind": request.Kind = DisclosureKind.Unspecified; break;
            case "break-glass without justification": request.BreakGlass = new BreakGlass { Justification = "  " }; break;
            case "pull without an acting professional": request.Recipient.ProfessionalId = string.Empty; break;
        }

        var error = Assert.Throws<PolicyInputException>(() => PolicyEvaluatorAccess.Decide(Bundle, request, facts, Requests.Now));

        Assert.Equal(field, error.Field);
        Assert.Single(error.Violations);
    }

    [Fact]
    public void A_purpose_the_bundle_does_not_define_is_refused()
    {
        var bundle = TestBundle.Compile();
        var trimmed = Engine.Bundle.BundleLoader.Load(Engine.Bundle.BundleSource.FromTexts(
            ("base.yaml", TestBundle.Base.Replace("  - {id: COORDINATION, title: Coordination}\n", string.Empty, StringComparison.Ordinal)))).Bundle!;
        var request = Requests.Decide("police", "vt", Purpose.Coordination, "basis-a", DataCategory.Involvement);

        var error = Assert.Throws<PolicyInputException>(() => PolicyEvaluatorAccess.Decide(trimmed, request, Requests.PoliceToVt(), Requests.Now));

        Assert.Equal("purpose", error.Field);
        Assert.Equal("the policy bundle does not define purpose COORDINATION", error.Violations[0].Description);
        Assert.Equal(Decision.Deny, PolicyEvaluatorAccess.Decide(bundle, request, Requests.PoliceToVt(), Requests.Now).Decision);
    }

    [Fact]
    public void Every_wrong_field_is_named_at_once()
    {
        var request = Requests.PoliceToVtFor(Purpose.Unspecified, DataCategory.Unspecified);
        request.LegalBasis.Id = "nope";

        var error = Assert.Throws<PolicyInputException>(() => PolicyEvaluatorAccess.Decide(Bundle, request, Requests.PoliceToVt(), Requests.Now));

        Assert.Equal(["purpose", "categories[0]", "legal_basis.id"], error.Violations.Select(v => v.Field));
    }
}
