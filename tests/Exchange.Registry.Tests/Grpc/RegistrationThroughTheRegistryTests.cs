using System.Security.Cryptography.X509Certificates;
using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.Registry.V1;
using Exchange.Registry.Client.Administration;
using Exchange.Registry.Registrations;
using Exchange.Registry.Tests.Support;
using Exchange.ServiceDefaults.Errors;
using Exchange.Testing;
using Google.Rpc;
using Grpc.Core;

namespace Exchange.Registry.Tests.Grpc;

/// <summary>
/// Registry administrators onboard partners through <c>registry.v1</c> over mutual TLS with their own certificates
/// and tokens: four eyes, rejections the applicant can read, conformance for partner-hosted nodes, and every
/// change in the disclosure ledger before it is stored.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class RegistrationThroughTheRegistryTests(RegistryFixture registry)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_partner_is_approved_only_by_two_different_administrators_and_each_change_is_in_the_ledger()
    {
        var first = registry.Client(RegistryFixture.First);
        var second = registry.Client(RegistryFixture.Second);

        var pending = (await first.RegisterPartnerAsync(new RegisterPartnerRequest { Application = Applications.Shared("vt-zeeland") }, cancellationToken: Ct)).Partner;
        var once = (await first.ApprovePartnerAsync(new ApprovePartnerRequest { Id = "vt-zeeland", ExpectedRevision = pending.Revision }, cancellationToken: Ct)).Partner;
        var twice = await Assert.ThrowsAsync<RpcException>(() => first.ApprovePartnerAsync(new ApprovePartnerRequest { Id = "vt-zeeland" }, cancellationToken: Ct).ResponseAsync);
        var approved = (await second.ApprovePartnerAsync(new ApprovePartnerRequest { Id = "vt-zeeland" }, cancellationToken: Ct)).Partner;

        Assert.Equal(RegistrationState.Pending, pending.State);
        Assert.Equal(RegistryFixture.First, pending.AppliedBy);
        Assert.Equal(RegistrationState.Pending, once.State);
        Assert.Equal((StatusCode.FailedPrecondition, RegistryReasonCodes.FourEyes), (twice.StatusCode, RpcErrors.ReasonOf(twice)));
        Assert.Equal(RegistrationState.Approved, approved.State);
        Assert.Equal([RegistryFixture.First, RegistryFixture.Second], approved.Approvals.Select(a => a.Administrator));

        // The exchange CA signed the applicant's own key: CN is the partner's id, for client authentication.
        var certificate = X509Certificate2.CreateFromPem(Assert.Single(approved.Certificates).Pem);
        Assert.Equal("vt-zeeland", certificate.GetNameInfo(X509NameType.SimpleName, false));
        Assert.Equal(["1.3.6.1.5.5.7.3.2"], certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value));
        Assert.Equal(certificate.Issuer, registry.Pki.Ca.Subject);

        var history = (await first.ListPartnerChangesAsync(new ListPartnerChangesRequest { Id = "vt-zeeland" }, cancellationToken: Ct)).Changes;
        Assert.Equal([PartnerAction.Registered, PartnerAction.ApprovalRecorded, PartnerAction.Approved], history.Select(c => c.Action));
        Assert.Equal([RegistryFixture.First, RegistryFixture.First, RegistryFixture.Second], history.Select(c => c.Actor));
        var entries = await registry.DisclosureLedger.ReadEntriesAsync(0, 1000, Ct);
        foreach (var change in history)
        {
            var entry = entries.Single(e => e.Entry.Sequence == change.LedgerSequence).Entry;
            Assert.Equal(EntryKind.RegistryChange, entry.Kind);
            Assert.Equal((change.Action, change.Revision, "vt-zeeland"), (entry.RegistryChange.Action, entry.RegistryChange.RegistryRevision, entry.HolderOrganisationId));
            Assert.Equal((RegistryAdministrators.OrganisationId, change.Actor), (entry.Requester.OrganisationId, entry.Requester.ProfessionalId));
        }
    }

    [Fact]
    public async Task A_rejection_tells_the_applicant_why_revokes_the_signed_certificate_and_a_new_application_starts_over()
    {
        var admin = registry.Client();
        await admin.RegisterPartnerAsync(new RegisterPartnerRequest { Application = Applications.Shared("vt-rejected") }, cancellationToken: Ct);
        await admin.ApprovePartnerAsync(new ApprovePartnerRequest { Id = "vt-rejected" }, cancellationToken: Ct);

        var rejected = (await registry.Client(RegistryFixture.Second).RejectPartnerAsync(
            new RejectPartnerRequest { Id = "vt-rejected", Reason = "The OIN belongs to another organisation; apply with the OIN of Veilig Thuis Zeeland." }, cancellationToken: Ct)).Partner;
        var seen = (await admin.GetPartnerAsync(new GetPartnerRequest { Id = "vt-rejected" }, cancellationToken: Ct)).Partner;
        var again = (await admin.RegisterPartnerAsync(new RegisterPartnerRequest { Application = Applications.Shared("vt-rejected") }, cancellationToken: Ct)).Partner;

        Assert.Equal(RegistrationState.Rejected, seen.State);
        Assert.Equal(("The OIN belongs to another organisation; apply with the OIN of Veilig Thuis Zeeland.", RegistryFixture.Second), (seen.LastDecision.Reason, seen.LastDecision.DecidedBy));
        Assert.Empty(seen.Approvals);
        var revoked = Assert.Single(rejected.Certificates);
        Assert.NotNull(revoked.RevokedAt);
        Assert.Contains(registry.Pki.Directory.Revoked, r => r.SerialNumber == revoked.SerialNumber);
        Assert.Equal(RegistrationState.Pending, again.State);
        Assert.Empty(again.Approvals);
        Assert.Equal(2, again.Certificates.Count);
        Assert.Single(again.Certificates, c => c.RevokedAt is null);
    }

    [Fact]
    public async Task A_partner_hosted_node_is_approved_only_on_a_passing_report_about_its_own_endpoint_and_certificate()
    {
        var first = registry.Client(RegistryFixture.First);
        var second = registry.Client(RegistryFixture.Second);
        var partner = (await first.RegisterPartnerAsync(new RegisterPartnerRequest { Application = Applications.Hosted("vt-hosted", registry.Pki) }, cancellationToken: Ct)).Partner;
        var now = DateTimeOffset.UtcNow.AddSeconds(1);

        var untested = await Assert.ThrowsAsync<RpcException>(() => first.ApprovePartnerAsync(new ApprovePartnerRequest { Id = partner.Id }, cancellationToken: Ct).ResponseAsync);
        var failing = Applications.Report(partner, now, ("node.health", CheckSeverity.Failure, CheckOutcome.Passed), ("deadline.honoured", CheckSeverity.Failure, CheckOutcome.Failed));
        var recorded = (await first.RecordConformanceReportAsync(new RecordConformanceReportRequest { Id = partner.Id, Report = failing }, cancellationToken: Ct)).Partner;
        var afterFailure = await Assert.ThrowsAsync<RpcException>(() => first.ApprovePartnerAsync(new ApprovePartnerRequest { Id = partner.Id }, cancellationToken: Ct).ResponseAsync);
        var elsewhere = Applications.Report(partner, now, ("node.health", CheckSeverity.Failure, CheckOutcome.Passed));
        elsewhere.Endpoint = "https://localhost:9999";
        await first.RecordConformanceReportAsync(new RecordConformanceReportRequest { Id = partner.Id, Report = elsewhere }, cancellationToken: Ct);
        var otherNode = await Assert.ThrowsAsync<RpcException>(() => first.ApprovePartnerAsync(new ApprovePartnerRequest { Id = partner.Id }, cancellationToken: Ct).ResponseAsync);
        var passing = Applications.Report(partner, now,
            ("node.health", CheckSeverity.Failure, CheckOutcome.Passed), ("errors.reason-code", CheckSeverity.Warning, CheckOutcome.Warning));
        await first.RecordConformanceReportAsync(new RecordConformanceReportRequest { Id = partner.Id, Report = passing }, cancellationToken: Ct);
        await first.ApprovePartnerAsync(new ApprovePartnerRequest { Id = partner.Id }, cancellationToken: Ct);
        var approved = (await second.ApprovePartnerAsync(new ApprovePartnerRequest { Id = partner.Id }, cancellationToken: Ct)).Partner;

        Assert.False(recorded.Conformance.Passed);
        Assert.All([untested, afterFailure, otherNode], e => Assert.Equal((StatusCode.FailedPrecondition, RegistryReasonCodes.ConformanceRequired), (e.StatusCode, RpcErrors.ReasonOf(e))));
        Assert.Contains("deadline.honoured failed", afterFailure.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(RegistrationState.Approved, approved.State);
        Assert.True(approved.Conformance.Passed);
        Assert.Equal(partner.Node.ServerCertificate.Sha256Thumbprint, approved.Node.ServerCertificate.Sha256Thumbprint);
    }

    [Fact]
    public async Task A_bad_application_is_refused_with_every_wrong_field_and_nothing_is_stored()
    {
        var application = Applications.Shared("vt-bad");
        application.Oin = "12";
        application.Contacts[1].Point.Email = "nobody";
        application.Agreements[0].PartyIds.Remove("vt-bad");
        var foreign = Applications.Shared("vt-foreign");
        foreign.CertificateRequestPem = Applications.CertificateRequest("politie-zwb");

        var invalid = await Assert.ThrowsAsync<RpcException>(() => registry.Client().RegisterPartnerAsync(new RegisterPartnerRequest { Application = application }, cancellationToken: Ct).ResponseAsync);
        var impostor = await Assert.ThrowsAsync<RpcException>(() => registry.Client().RegisterPartnerAsync(new RegisterPartnerRequest { Application = foreign }, cancellationToken: Ct).ResponseAsync);
        var missing = await Assert.ThrowsAsync<RpcException>(() => registry.Client().GetPartnerAsync(new GetPartnerRequest { Id = "vt-foreign" }, cancellationToken: Ct).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Equal(["application.agreements[0].party_ids", "application.contacts[1].point.email", "application.oin"], Fields(invalid));
        Assert.Equal(["application.certificate_request_pem"], Fields(impostor));
        Assert.Contains("CN=vt-foreign", Assert.Single(impostor.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Description, StringComparison.Ordinal);
        Assert.Equal((StatusCode.NotFound, RegistryReasonCodes.UnknownPartner), (missing.StatusCode, RpcErrors.ReasonOf(missing)));
    }

    [Fact]
    public async Task A_suspended_partner_needs_two_approvals_again_and_a_revoked_one_can_never_return()
    {
        var first = registry.Client(RegistryFixture.First);
        var second = registry.Client(RegistryFixture.Second);
        await first.RegisterPartnerAsync(new RegisterPartnerRequest { Application = Applications.Shared("vt-suspended") }, cancellationToken: Ct);
        await first.ApprovePartnerAsync(new ApprovePartnerRequest { Id = "vt-suspended" }, cancellationToken: Ct);
        await second.ApprovePartnerAsync(new ApprovePartnerRequest { Id = "vt-suspended" }, cancellationToken: Ct);

        var noReason = await Assert.ThrowsAsync<RpcException>(() => first.SuspendPartnerAsync(new SuspendPartnerRequest { Id = "vt-suspended" }, cancellationToken: Ct).ResponseAsync);
        var suspended = (await first.SuspendPartnerAsync(new SuspendPartnerRequest { Id = "vt-suspended", Reason = "Security incident under investigation" }, cancellationToken: Ct)).Partner;
        var halfway = (await first.ApprovePartnerAsync(new ApprovePartnerRequest { Id = "vt-suspended" }, cancellationToken: Ct)).Partner;
        var revoked = (await second.RevokePartnerAsync(new RevokePartnerRequest { Id = "vt-suspended", Reason = "Left the covenant" }, cancellationToken: Ct)).Partner;
        var reapply = await Assert.ThrowsAsync<RpcException>(() => first.RegisterPartnerAsync(new RegisterPartnerRequest { Application = Applications.Shared("vt-suspended") }, cancellationToken: Ct).ResponseAsync);
        var reject = await Assert.ThrowsAsync<RpcException>(() => first.RejectPartnerAsync(new RejectPartnerRequest { Id = "vt-suspended", Reason = "late" }, cancellationToken: Ct).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, noReason.StatusCode);
        Assert.Equal(["reason"], Fields(noReason));
        Assert.Equal((RegistrationState.Suspended, "Security incident under investigation"), (suspended.State, suspended.LastDecision.Reason));
        Assert.Equal(RegistrationState.Suspended, halfway.State);
        Assert.Equal(RegistrationState.Revoked, revoked.State);
        Assert.All(revoked.Certificates, c => Assert.NotNull(c.RevokedAt));
        Assert.Equal((StatusCode.FailedPrecondition, RegistryReasonCodes.PartnerRevoked), (reapply.StatusCode, RpcErrors.ReasonOf(reapply)));
        Assert.Equal((StatusCode.FailedPrecondition, RegistryReasonCodes.StateDoesNotAllow), (reject.StatusCode, RpcErrors.ReasonOf(reject)));
    }

    [Fact]
    public async Task Only_registry_administrators_may_change_or_read_the_registry_and_no_header_makes_a_partner_one()
    {
        var partner = registry.Client("vt-mwb");
        var headers = new Metadata { { "x-exchange-organisation", RegistryAdministrators.OrganisationId } };

        var read = await Assert.ThrowsAsync<RpcException>(() => partner.ListPartnersAsync(new ListPartnersRequest(), headers, cancellationToken: Ct).ResponseAsync);
        var write = await Assert.ThrowsAsync<RpcException>(() => partner.RegisterPartnerAsync(new RegisterPartnerRequest { Application = Applications.Shared("vt-mwb") }, cancellationToken: Ct).ResponseAsync);

        Assert.Equal((StatusCode.PermissionDenied, ReasonCodes.ScopeMissing), (read.StatusCode, RpcErrors.ReasonOf(read)));
        Assert.Equal((StatusCode.PermissionDenied, ReasonCodes.ScopeMissing), (write.StatusCode, RpcErrors.ReasonOf(write)));
    }

    [Fact]
    public async Task When_the_ledger_cannot_record_a_change_the_registry_changes_nothing()
    {
        using var data = new TempDirectory("exchange-registry-noledger");
        await using var cut = await RegistryFixture.StartRegistryAsync(registry.Identity, registry.Pki, FreePorts.NextHttp(), data.Path, registry.Logs,
            new Dictionary<string, string?> { ["Registry:LedgerDeadline"] = "00:00:05" });
        using var tokens = registry.Identity.TokenClient(RegistryFixture.First);
        using var channel = Exchange.Client.PartnerChannel.Create(cut.Address, registry.Pki.Ca, registry.Pki.Directory.LoadClient(RegistryFixture.First), tokens);
        var client = new RegistryService.RegistryServiceClient(channel);

        var refused = await Assert.ThrowsAsync<RpcException>(() => client.RegisterPartnerAsync(new RegisterPartnerRequest { Application = Applications.Shared("vt-unlogged") }, cancellationToken: Ct).ResponseAsync);
        var stored = await client.ListPartnersAsync(new ListPartnersRequest(), cancellationToken: Ct);

        Assert.Equal((StatusCode.Unavailable, ReasonCodes.LedgerUnavailable), (refused.StatusCode, RpcErrors.ReasonOf(refused)));
        Assert.Empty(stored.Partners);
    }

    private static string[] Fields(RpcException exception) =>
        [.. exception.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).Distinct().Order(StringComparer.Ordinal)];
}
