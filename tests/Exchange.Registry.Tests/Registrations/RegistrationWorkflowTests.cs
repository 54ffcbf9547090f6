using Exchange.Contracts.Registry.V1;
using Exchange.Registry.Registrations;
using Exchange.Registry.Tests.Support;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Registry.Tests.Registrations;

/// <summary>The registration states and what moves a partner between them, decided on the record alone.</summary>
public sealed class RegistrationWorkflowTests
{
    private static readonly DateTimeOffset Monday = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private readonly SettableClock _clock = new(Monday);
    private readonly RegistrationWorkflow _workflow;

    public RegistrationWorkflowTests() => _workflow = new RegistrationWorkflow(_clock);

    public static TheoryData<RegistrationState, string, bool> Moves() => new()
    {
        { RegistrationState.Pending, "approve", true },
        { RegistrationState.Pending, "reject", true },
        { RegistrationState.Pending, "suspend", false },
        { RegistrationState.Pending, "revoke", false },
        { RegistrationState.Approved, "approve", false },
        { RegistrationState.Approved, "reject", false },
        { RegistrationState.Approved, "suspend", true },
        { RegistrationState.Approved, "revoke", true },
        { RegistrationState.Rejected, "approve", false },
        { RegistrationState.Rejected, "suspend", false },
        { RegistrationState.Rejected, "revoke", false },
        { RegistrationState.Suspended, "approve", true },
        { RegistrationState.Suspended, "reject", false },
        { RegistrationState.Suspended, "revoke", true },
        { RegistrationState.Revoked, "approve", false },
        { RegistrationState.Revoked, "suspend", false },
        { RegistrationState.Revoked, "revoke", false },
    };

    [Theory]
    [MemberData(nameof(Moves))]
    public void Each_state_allows_exactly_the_moves_of_the_registration_lifecycle(RegistrationState state, string move, bool allowed)
    {
        var partner = Partner(state);

        var decision = move switch
        {
            "approve" => _workflow.Approve(partner, "admin-1", 0),
            "reject" => _workflow.Reject(partner, "admin-1", "wrong OIN"),
            "suspend" => _workflow.Suspend(partner, "admin-1", "incident"),
            _ => _workflow.Revoke(partner, "admin-1", "left the covenant"),
        };

        Assert.Equal(allowed, decision.Refusal is null);
        if (!allowed)
        {
            Assert.Equal(RegistryReasonCodes.StateDoesNotAllow, decision.Refusal!.ReasonCode);
        }
    }

    [Fact]
    public void A_new_application_replaces_a_pending_one_clearing_its_approvals_and_report_and_revoking_its_certificate()
    {
        var earlier = Partner(RegistrationState.Pending);
        earlier.Approvals.Add(new Approval { Administrator = "admin-1" });
        earlier.Conformance = new ConformanceReport { Passed = true };
        var replacement = Certificate("bb");

        var decision = _workflow.Register(earlier, Applications.Shared(earlier.Id), replacement, null, "admin-2");

        Assert.Null(decision.Refusal);
        Assert.Empty(decision.Next!.Approvals);
        Assert.Null(decision.Next.Conformance);
        Assert.Equal("aa", Assert.Single(decision.Revoked).Sha256Thumbprint);
        Assert.Equal(["aa", "bb"], decision.Next.Certificates.Select(c => c.Sha256Thumbprint));
        Assert.Equal(("admin-2", Monday), (decision.Next.AppliedBy, decision.Next.AppliedAt.ToDateTimeOffset()));
    }

    [Fact]
    public void A_partner_hosted_node_is_registered_at_its_scheme_host_and_port_and_a_report_about_the_same_counts()
    {
        var application = Applications.Shared("vt-zeeland");
        application.Hosting = NodeHosting.Partner;
        application.Endpoint = "https://Node.VTZ.example:7443/";
        var server = Certificate("ee");

        var registered = _workflow.Register(null, application, Certificate("aa"), server, "admin-1").Next!;
        var report = Report(registered, Monday.AddHours(1), (CheckSeverity.Failure, CheckOutcome.Passed));
        report.Endpoint = "https://node.vtz.example:7443";

        Assert.Equal("https://node.vtz.example:7443", registered.Node.Endpoint);
        Assert.Null(_workflow.Approve(_workflow.RecordConformance(registered, report, "admin-1").Next!, "admin-2", 0).Refusal);
    }

    [Fact]
    public void An_approved_partner_cannot_be_applied_for_again()
    {
        var decision = _workflow.Register(Partner(RegistrationState.Approved), Applications.Shared("vt-zeeland"), Certificate("bb"), null, "admin-1");

        Assert.Equal(RegistryReasonCodes.PartnerActive, decision.Refusal!.ReasonCode);
    }

    [Fact]
    public void The_same_administrator_cannot_give_both_approvals_and_a_stale_review_is_refused()
    {
        var once = _workflow.Approve(Partner(RegistrationState.Pending), "admin-1", 0).Next!;

        Assert.Equal(RegistryReasonCodes.FourEyes, _workflow.Approve(once, "admin-1", 0).Refusal!.ReasonCode);
        Assert.Equal(RegistryReasonCodes.StaleRevision, _workflow.Approve(once, "admin-2", once.Revision + 1).Refusal!.ReasonCode);
        Assert.Equal(RegistrationState.Approved, _workflow.Approve(once, "admin-2", once.Revision).Next!.State);
    }

    [Fact]
    public void A_partner_hosted_node_needs_a_report_made_after_it_applied_with_no_failure_and_no_skipped_requirement()
    {
        var partner = Hosted();
        Approve(partner, Report(partner, Monday.AddHours(-1), (CheckSeverity.Failure, CheckOutcome.Passed)), expected: RegistryReasonCodes.ConformanceRequired);
        Approve(partner, Report(partner, Monday.AddHours(1), (CheckSeverity.Failure, CheckOutcome.Skipped)), expected: RegistryReasonCodes.ConformanceRequired);
        Approve(partner, Report(partner, Monday.AddHours(1), (CheckSeverity.Failure, CheckOutcome.Failed)), expected: RegistryReasonCodes.ConformanceRequired);
        Approve(partner, Report(partner, Monday.AddHours(1), (CheckSeverity.Failure, CheckOutcome.Passed), (CheckSeverity.Warning, CheckOutcome.Skipped), (CheckSeverity.Warning, CheckOutcome.Warning)), expected: null);
    }

    [Fact]
    public void The_registry_decides_whether_a_report_passed_whatever_the_caller_claims()
    {
        var partner = Hosted();
        var report = Report(partner, Monday, (CheckSeverity.Failure, CheckOutcome.Failed));
        report.Passed = true;

        var recorded = _workflow.RecordConformance(partner, report, "admin-1");

        Assert.False(recorded.Next!.Conformance.Passed);
        Assert.Equal("admin-1", recorded.Next.Conformance.RecordedBy);
    }

    [Fact]
    public void Suspension_clears_the_approvals_but_keeps_the_certificates_and_revocation_revokes_every_certificate()
    {
        var approved = Hosted();
        approved.State = RegistrationState.Approved;
        approved.Approvals.Add(new Approval { Administrator = "admin-1" });

        var suspended = _workflow.Suspend(approved, "admin-1", "incident");
        var revoked = _workflow.Revoke(suspended.Next!, "admin-2", "left the covenant");

        Assert.Empty(suspended.Next!.Approvals);
        Assert.Empty(suspended.Revoked);
        Assert.Equal(["aa", "ee"], revoked.Revoked.Select(c => c.Sha256Thumbprint));
        Assert.Equal((RegistrationState.Revoked, "admin-2", "left the covenant"), (revoked.Next!.State, revoked.Next.LastDecision.DecidedBy, revoked.Next.LastDecision.Reason));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_rejection_without_a_reason_for_the_applicant_is_refused(string reason)
    {
        var decision = _workflow.Reject(Partner(RegistrationState.Pending), "admin-1", reason);

        Assert.Equal((RegistryReasonCodes.ReasonRequired, "reason"), (decision.Refusal!.ReasonCode, decision.Refusal.Field));
    }

    private void Approve(Partner partner, ConformanceReport report, string? expected)
    {
        var tested = _workflow.RecordConformance(partner, report, "admin-1").Next!;
        Assert.Equal(expected, _workflow.Approve(tested, "admin-2", 0).Refusal?.ReasonCode);
    }

    private static Partner Partner(RegistrationState state) => new()
    {
        Id = "vt-zeeland",
        State = state,
        Revision = 3,
        AppliedAt = Timestamp.FromDateTimeOffset(Monday),
        Node = new NodeLocation { Hosting = NodeHosting.Shared },
        Certificates = { Certificate("aa") },
    };

    private static Partner Hosted()
    {
        var partner = Partner(RegistrationState.Pending);
        partner.Node = new NodeLocation { Hosting = NodeHosting.Partner, Endpoint = "https://node.vtz.example:7443", ServerCertificate = Certificate("ee") };
        return partner;
    }

    private static Certificate Certificate(string thumbprint) => new() { Usage = CertificateUsage.Client, Sha256Thumbprint = thumbprint };

    private static ConformanceReport Report(Partner partner, DateTimeOffset ranAt, params (CheckSeverity Severity, CheckOutcome Outcome)[] checks) =>
        Applications.Report(partner, ranAt, [.. checks.Select((c, i) => ($"check-{i}", c.Severity, c.Outcome))]);
}
