using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.V1;

namespace Exchange.Ledger.Tests.Support;

/// <summary>Entries shaped like the policy service's, with made-up organisations and pseudonyms.</summary>
internal static class SampleEntries
{
    public const string Police = "politie-zwb";
    public const string VeiligThuis = "vt-mwb";
    public const string Raad = "rvdk-zuidwest";
    public const string SocialTeam = "wijkteam-tilburg";

    public static LedgerEntry Decision(
        string subject,
        string holder = VeiligThuis,
        string recipient = Raad,
        Purpose purpose = Purpose.ChildProtectionInvestigation,
        string legalBasis = "bw-1-240",
        Decision decision = Contracts.V1.Decision.Permit,
        string? breakGlass = null,
        ReviewState review = ReviewState.NotRequired,
        string? decisionId = null) => new()
        {
            Kind = EntryKind.Decision,
            TraceId = "4bf92f3577b34da6a3ce929d0e0e4736",
            DecisionId = decisionId ?? $"dec-{Guid.NewGuid():N}",
            Requester = new Actor { OrganisationId = recipient, Role = "raadsonderzoeker", ProfessionalId = "prof-17" },
            HolderOrganisationId = holder,
            SubjectPseudonym = subject,
            Purpose = purpose,
            LegalBasisId = legalBasis,
            Requested = { DataCategory.Safety, DataCategory.Incident },
            Released = { DataCategory.Safety },
            Denied =
            {
                new CategoryDenial { Category = DataCategory.Incident, ReasonCode = "PURPOSE_NOT_COVERED", RuleId = "rule-7" },
            },
            Decision = decision,
            RuleIds = { "rule-3", "rule-7" },
            BundleId = "bundle-2026-11",
            BundleHash = "sha256:0f1e2d",
            Obligations = { new Obligation { Kind = ObligationKind.Retention, RetentionDays = 365 } },
            BreakGlassJustification = breakGlass ?? string.Empty,
            ReviewState = review,
            DisclosureKind = DisclosureKind.Pull,
        };

    public static LedgerEntry Review(ulong concerns, ReviewState verdict, string reviewer = VeiligThuis) => new()
    {
        Kind = EntryKind.Review,
        ConcernsSequence = concerns,
        HolderOrganisationId = reviewer,
        Review = new Review
        {
            Verdict = verdict,
            Comment = "Acute danger was plausible at 02:00.",
            Reviewer = new Actor { OrganisationId = reviewer, Role = "fg", ProfessionalId = "prof-fg-1" },
        },
    };
}
