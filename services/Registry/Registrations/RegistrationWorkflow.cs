using Exchange.Conformance.Running;
using Exchange.Contracts.Registry.V1;
using Exchange.Registry.Client.Applications;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Registry.Registrations;

/// <summary>
/// The outcome of asking for a change: the partner as it will be and what changed, or why not. Certificates the
/// change newly marks revoked are listed, for the CA to revoke before the change is stored.
/// </summary>
public sealed record RegistryDecision(Partner? Next, PartnerAction Action, string Reason, RegistryRefusal? Refusal, IReadOnlyList<Certificate> Revoked)
{
    public static RegistryDecision Refuse(RegistryRefusal refusal) => new(null, PartnerAction.Unspecified, string.Empty, refusal, []);
}

/// <summary>
/// The registration states and what moves a partner between them (PENDING → APPROVED | REJECTED →
/// SUSPENDED | REVOKED), as pure decisions on a partner record: nothing here stores, signs or records. The
/// registry service applies a decision only after the ledger holds it.
/// </summary>
public sealed class RegistrationWorkflow(TimeProvider time)
{
    /// <summary>Approvals needed to put a partner on the exchange (four eyes).</summary>
    public const int RequiredApprovals = 2;

    private static readonly IApprovalRule[] ApprovalRules = [new FourEyesRule(), new ConformanceRule()];

    /// <summary>
    /// A new application, or one that replaces the application of a pending or rejected partner (its approvals and
    /// conformance report no longer apply). An approved or suspended partner cannot be re-applied for; a revoked one never.
    /// </summary>
    public RegistryDecision Register(Partner? existing, PartnerApplication application, Certificate clientCertificate, Certificate? serverCertificate, string administrator)
    {
        switch (existing?.State)
        {
            case RegistrationState.Approved or RegistrationState.Suspended:
                return RegistryDecision.Refuse(new RegistryRefusal(RegistryReasonCodes.PartnerActive, RefusalKind.FailedPrecondition,
                    $"{existing.Id} is already {Transitions.Name(existing.State)}; an application cannot replace an active registration."));
            case RegistrationState.Revoked:
                return RegistryDecision.Refuse(new RegistryRefusal(RegistryReasonCodes.PartnerRevoked, RefusalKind.FailedPrecondition,
                    $"{existing.Id} was revoked; a revoked id is not used again."));
            default:
                break;
        }

        var now = Now;
        var next = new Partner
        {
            Id = application.Id,
            Oin = application.Oin,
            Name = application.Name.Trim(),
            Domain = application.Domain,
            Region = application.Region.Trim(),
            Contacts = { application.Contacts.Select(c => c.Clone()) },
            Node = new NodeLocation
            {
                Hosting = application.Hosting,
                Endpoint = application.Hosting == NodeHosting.Partner ? ConformanceVerdict.EndpointOf(new Uri(application.Endpoint)) : string.Empty,
                ServerCertificate = serverCertificate,
            },
            Agreements = { application.Agreements.Select(a => a.Clone()) },
            State = RegistrationState.Pending,
            AppliedAt = now,
            AppliedBy = administrator,
        };

        // Earlier certificates stay on record; one the new application no longer uses is revoked.
        var revoked = new List<Certificate>();
        foreach (var earlier in existing?.Certificates ?? [])
        {
            var kept = earlier.Clone();
            if (kept.RevokedAt is null && kept.Sha256Thumbprint != clientCertificate.Sha256Thumbprint)
            {
                kept.RevokedAt = now;
                revoked.Add(kept);
            }

            if (kept.Sha256Thumbprint != clientCertificate.Sha256Thumbprint)
            {
                next.Certificates.Add(kept);
            }
        }

        next.Certificates.Add(clientCertificate);
        return new RegistryDecision(next, PartnerAction.Registered, string.Empty, null, revoked);
    }

    /// <summary>One administrator's approval; the second one (of another administrator) puts the partner on the exchange.</summary>
    public RegistryDecision Approve(Partner partner, string administrator, ulong expectedRevision)
    {
        if (Transitions.Check(partner, PartnerAction.ApprovalRecorded, "approved") is { } refusal)
        {
            return RegistryDecision.Refuse(refusal);
        }

        if (expectedRevision != 0 && expectedRevision != partner.Revision)
        {
            return RegistryDecision.Refuse(new RegistryRefusal(RegistryReasonCodes.StaleRevision, RefusalKind.FailedPrecondition,
                $"{partner.Id} changed since you reviewed it (revision {expectedRevision}, now {partner.Revision}); review it again."));
        }

        foreach (var rule in ApprovalRules)
        {
            if (rule.Check(partner, administrator) is { } broken)
            {
                return RegistryDecision.Refuse(broken);
            }
        }

        var next = partner.Clone();
        next.Approvals.Add(new Approval { Administrator = administrator, ApprovedAt = Now });
        if (next.Approvals.Count < RequiredApprovals)
        {
            return new RegistryDecision(next, PartnerAction.ApprovalRecorded, string.Empty, null, []);
        }

        next.State = RegistrationState.Approved;
        next.LastDecision = Decision(RegistrationState.Approved, administrator, string.Empty);
        return new RegistryDecision(next, PartnerAction.Approved, string.Empty, null, []);
    }

    /// <summary>Refuses the application; the reason is kept for the applicant, and the certificate signed for it is revoked.</summary>
    public RegistryDecision Reject(Partner partner, string administrator, string reason) =>
        End(partner, administrator, reason, PartnerAction.Rejected, RegistrationState.Rejected, "rejected", Revocation.ClientCertificates);

    /// <summary>Takes the partner off the exchange until two administrators approve it again; its certificates stay valid.</summary>
    public RegistryDecision Suspend(Partner partner, string administrator, string reason) =>
        End(partner, administrator, reason, PartnerAction.Suspended, RegistrationState.Suspended, "suspended", Revocation.None);

    /// <summary>Ends the registration for good and revokes every certificate the partner has.</summary>
    public RegistryDecision Revoke(Partner partner, string administrator, string reason) =>
        End(partner, administrator, reason, PartnerAction.Revoked, RegistrationState.Revoked, "revoked", Revocation.All);

    /// <summary>Keeps the kit's report; whether it passed is decided here, from its checks, not taken from the caller.</summary>
    public RegistryDecision RecordConformance(Partner partner, ConformanceReport report, string administrator)
    {
        if (Transitions.Check(partner, PartnerAction.ConformanceRecorded, "tested") is { } refusal)
        {
            return RegistryDecision.Refuse(refusal);
        }

        if (CheckReport(report) is { } invalid)
        {
            return RegistryDecision.Refuse(invalid);
        }

        var next = partner.Clone();
        next.Conformance = report.Clone();
        next.Conformance.Passed = ConformanceRule.Passes(report);
        next.Conformance.RecordedBy = administrator;
        return new RegistryDecision(next, PartnerAction.ConformanceRecorded, next.Conformance.Passed ? "passed" : "failed", null, []);
    }

    /// <summary>Which certificates a state change revokes: none (suspension), the client ones signed for the application (rejection), or all (revocation).</summary>
    private enum Revocation
    {
        None,
        ClientCertificates,
        All,
    }

    private RegistryDecision End(Partner partner, string administrator, string reason, PartnerAction action, RegistrationState state, string verb, Revocation revocation)
    {
        if (Transitions.Check(partner, action, verb) is { } refusal)
        {
            return RegistryDecision.Refuse(refusal);
        }

        if (CheckReason(reason) is { } missing)
        {
            return RegistryDecision.Refuse(missing);
        }

        var now = Now;
        var next = partner.Clone();
        next.State = state;
        next.Approvals.Clear();
        next.LastDecision = Decision(state, administrator, reason.Trim());
        var revoked = new List<Certificate>();
        foreach (var certificate in next.Certificates.Where(c => c.RevokedAt is null && revocation != Revocation.None))
        {
            certificate.RevokedAt = now;
            revoked.Add(certificate);
        }

        if (revocation == Revocation.All && next.Node?.ServerCertificate is { RevokedAt: null } server)
        {
            server.RevokedAt = now;
            revoked.Add(server);
        }

        return new RegistryDecision(next, action, reason.Trim(), null, revoked);
    }

    private Timestamp Now => Timestamp.FromDateTimeOffset(time.GetUtcNow());

    private StateDecision Decision(RegistrationState state, string administrator, string reason) =>
        new() { State = state, DecidedBy = administrator, DecidedAt = Now, Reason = reason };

    private static RegistryRefusal? CheckReason(string reason) =>
        reason.Trim().Length is > 0 and <= ApplicationRules.MaxReason
            ? null
            : new RegistryRefusal(RegistryReasonCodes.ReasonRequired, RefusalKind.InvalidArgument,
                $"Give the reason the partner is told (1 to {ApplicationRules.MaxReason} characters).", "reason");

    private static RegistryRefusal? CheckReport(ConformanceReport report)
    {
        const int MaxChecks = 100;
        const int MaxText = 2000;
        string? problem = report switch
        {
            { Checks.Count: 0 or > MaxChecks } => $"1 to {MaxChecks} checks",
            { RanAt: null } => "ran_at is required",
            _ when report.Endpoint.Length is 0 or > ApplicationRules.MaxEndpoint => "the endpoint that was tested is required",
            _ when report.ServerCertificateSha256.Length > 64 => "server_certificate_sha256 is a hex SHA-256",
            _ when report.Checks.Any(c => c.Id.Length is 0 or > 100 || c.Reference.Length > 200 || c.Message.Length > MaxText) => "each check has an id (at most 100), a reference (at most 200) and a message (at most 2000)",
            _ when report.Checks.Any(c => c.Severity == CheckSeverity.Unspecified || c.Outcome == CheckOutcome.Unspecified) => "each check has a severity and an outcome",
            _ => null,
        };
        return problem is null ? null : new RegistryRefusal(Exchange.ServiceDefaults.Errors.ReasonCodes.InvalidArgument, RefusalKind.InvalidArgument, problem, "report");
    }
}
