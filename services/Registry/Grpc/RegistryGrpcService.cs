using System.Diagnostics.CodeAnalysis;
using System.Text;
using Exchange.Contracts.Registry.V1;
using Exchange.Registry.Certificates;
using Exchange.Registry.Changes;
using Exchange.Registry.Client.Applications;
using Exchange.Registry.Hosting;
using Exchange.Registry.Registrations;
using Exchange.Registry.Security;
using Exchange.Registry.Storage;
using Exchange.ServiceDefaults.Errors;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Exchange.Registry.Grpc;

/// <summary>
/// <c>registry.v1.RegistryService</c>. Each change is decided on the stored record by
/// <see cref="RegistrationWorkflow"/>, written to the disclosure ledger, and only then stored; a refusal is a
/// gRPC status with a reason code (and the field, for bad input); an unwritable ledger changes nothing.
/// </summary>
public sealed partial class RegistryGrpcService(
    IRegistryStore store,
    RegistrationWorkflow workflow,
    PartnerCertificates certificates,
    RegistryLedger ledger,
    RegistryChanges changes,
    Administrators administrators,
    IOptions<RegistryOptions> options,
    TimeProvider time,
    ILogger<RegistryGrpcService> logger) : RegistryService.RegistryServiceBase
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 500;

    public override async Task<RegisterPartnerResponse> RegisterPartner(RegisterPartnerRequest request, ServerCallContext context)
    {
        var application = request.Application ?? new PartnerApplication();
        var violations = new FieldViolations();
        foreach (var problem in ApplicationRules.Check(application))
        {
            violations.Add("application." + problem.Field, problem.Description);
        }

        violations.ThrowIfAny();
        var administrator = await administrators.FromAsync(context);
        var server = application.Hosting == NodeHosting.Partner
            ? Certificate(certificates.AcceptServer(application.ServerCertificatePem, new Uri(application.Endpoint)))
            : null;
        var partner = await ChangeAsync(application.Id, administrator, context, existing =>
        {
            // Checked first: a request is signed only for an application the workflow accepts.
            var probe = workflow.Register(existing, application, new Contracts.Registry.V1.Certificate(), server, administrator.ClientId);
            if (probe.Refusal is not null)
            {
                return probe;
            }

            var client = Certificate(application.CertificateRequestPem.Length > 0
                ? certificates.Sign(application.CertificateRequestPem, application.Id, application.Name.Trim())
                : certificates.AcceptClient(application.CertificatePem, application.Id));
            return workflow.Register(existing, application, client, server, administrator.ClientId);
        });
        LogRegistered(logger, partner.Id, administrator.ClientId, partner.Revision);
        return new RegisterPartnerResponse { Partner = partner };
    }

    public override async Task<ApprovePartnerResponse> ApprovePartner(ApprovePartnerRequest request, ServerCallContext context)
    {
        var administrator = await administrators.FromAsync(context);
        var partner = await ChangeExistingAsync(request.Id, administrator, context, p => workflow.Approve(p, administrator.ClientId, request.ExpectedRevision));
        return new ApprovePartnerResponse { Partner = partner };
    }

    public override async Task<RejectPartnerResponse> RejectPartner(RejectPartnerRequest request, ServerCallContext context)
    {
        var administrator = await administrators.FromAsync(context);
        var partner = await ChangeExistingAsync(request.Id, administrator, context, p => workflow.Reject(p, administrator.ClientId, request.Reason));
        return new RejectPartnerResponse { Partner = partner };
    }

    public override async Task<SuspendPartnerResponse> SuspendPartner(SuspendPartnerRequest request, ServerCallContext context)
    {
        var administrator = await administrators.FromAsync(context);
        var partner = await ChangeExistingAsync(request.Id, administrator, context, p => workflow.Suspend(p, administrator.ClientId, request.Reason));
        return new SuspendPartnerResponse { Partner = partner };
    }

    public override async Task<RevokePartnerResponse> RevokePartner(RevokePartnerRequest request, ServerCallContext context)
    {
        var administrator = await administrators.FromAsync(context);
        var partner = await ChangeExistingAsync(request.Id, administrator, context, p => workflow.Revoke(p, administrator.ClientId, request.Reason));
        return new RevokePartnerResponse { Partner = partner };
    }

    public override async Task<RecordConformanceReportResponse> RecordConformanceReport(RecordConformanceReportRequest request, ServerCallContext context)
    {
        var administrator = await administrators.FromAsync(context);
        var report = request.Report ?? new ConformanceReport();
        var partner = await ChangeExistingAsync(request.Id, administrator, context, p => workflow.RecordConformance(p, report, administrator.ClientId));
        return new RecordConformanceReportResponse { Partner = partner };
    }

    public override async Task<GetPartnerResponse> GetPartner(GetPartnerRequest request, ServerCallContext context)
    {
        RequireId(request.Id);
        var partner = await store.GetAsync(request.Id, context.CancellationToken) ?? NotFound<Partner>(request.Id);
        return new GetPartnerResponse { Partner = partner };
    }

    public override async Task<ListPartnersResponse> ListPartners(ListPartnersRequest request, ServerCallContext context)
    {
        var limit = PageSize(request.PageSize);
        var after = FromPageToken(request.PageToken);
        if (request.States.Count > 5 || request.States.Any(s => s == RegistrationState.Unspecified || !System.Enum.IsDefined(s)))
        {
            RpcErrors.InvalidArgument("states", "registration states, each at most once");
        }

        var partners = await store.ListAsync(after, limit + 1, [.. request.States.Distinct()], context.CancellationToken);
        var response = new ListPartnersResponse { Partners = { partners.Take(limit) } };
        if (partners.Count > limit)
        {
            response.NextPageToken = ToPageToken(partners[limit - 1].Id);
        }

        return response;
    }

    public override async Task<ListPartnerChangesResponse> ListPartnerChanges(ListPartnerChangesRequest request, ServerCallContext context)
    {
        RequireId(request.Id);
        var limit = PageSize(request.PageSize);
        var after = request.PageToken.Length == 0 ? 0UL : ulong.TryParse(FromPageToken(request.PageToken), out var revision) ? revision : InvalidPageToken<ulong>();
        var changes = await store.ChangesAsync(request.Id, after, limit + 1, context.CancellationToken);
        if (changes.Count == 0 && after == 0 && await store.GetAsync(request.Id, context.CancellationToken) is null)
        {
            NotFound<Partner>(request.Id);
        }

        var response = new ListPartnerChangesResponse { Changes = { changes.Take(limit) } };
        if (changes.Count > limit)
        {
            response.NextPageToken = ToPageToken(changes[limit - 1].Revision.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return response;
    }

    public override async Task WatchPartners(WatchPartnersRequest request, IServerStreamWriter<WatchPartnersResponse> responseStream, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        var sent = request.AfterRevision;
        var first = true;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                // Taken before reading, so that a change committed while we read is not missed.
                var changed = changes.Next;
                var snapshot = await store.SnapshotAsync(cancellationToken);
                if (snapshot.Revision > sent || (first && request.AfterRevision == 0))
                {
                    snapshot.TakenAt = Timestamp.FromDateTimeOffset(time.GetUtcNow());
                    await responseStream.WriteAsync(new WatchPartnersResponse { Snapshot = snapshot }, cancellationToken);
                    sent = snapshot.Revision;
                }

                first = false;
                await Task.WhenAny(changed, Task.Delay(options.Value.ChangePollInterval, time, cancellationToken));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The watcher went away or the registry is stopping.
        }
    }

    /// <summary>Applies a decision about an existing partner.</summary>
    private Task<Partner> ChangeExistingAsync(string id, Administrator administrator, ServerCallContext context, Func<Partner, RegistryDecision> decide)
    {
        RequireId(id);
        return ChangeAsync(id, administrator, context, existing => existing is null ? NotFound<RegistryDecision>(id) : decide(existing));
    }

    /// <summary>
    /// Decide on the stored record, record in the ledger, revoke what the change revokes, then store: in that
    /// order, inside the store's write transaction, so that nothing is stored that the ledger does not hold.
    /// </summary>
    private async Task<Partner> ChangeAsync(string id, Administrator administrator, ServerCallContext context, Func<Partner?, RegistryDecision> decide)
    {
        Partner stored;
        try
        {
            stored = await store.ChangeAsync(id, async (existing, revision, cancellationToken) =>
            {
                var decision = decide(existing);
                if (decision.Refusal is { } refusal)
                {
                    Refuse(refusal);
                }

                var next = decision.Next!;
                next.Revision = revision;
                var sequence = await ledger.RecordAsync(next, decision.Action, decision.Reason, administrator, cancellationToken);
                if (decision.Revoked.Count > 0)
                {
                    certificates.Revoke(decision.Revoked);
                }

                var change = new PartnerChange
                {
                    Revision = revision,
                    PartnerId = next.Id,
                    Action = decision.Action,
                    Actor = administrator.ClientId,
                    ChangedAt = Timestamp.FromDateTimeOffset(time.GetUtcNow()),
                    Reason = decision.Reason,
                    LedgerSequence = sequence,
                };
                return (new StoredChange(next, change), next);
            }, context.CancellationToken);
        }
        catch (LedgerUnavailableException)
        {
            RpcErrors.Unavailable(ReasonCodes.LedgerUnavailable, "The disclosure ledger could not record the change; nothing was changed. Try again later.");
            throw;
        }

        changes.Notify();
        return stored;
    }

    private static Contracts.Registry.V1.Certificate Certificate(CertificateOutcome outcome)
    {
        if (outcome.Refusal is { } refusal)
        {
            Refuse(refusal);
        }

        return outcome.Certificate!;
    }

    [DoesNotReturn]
    private static void Refuse(RegistryRefusal refusal)
    {
        switch (refusal.Kind)
        {
            case RefusalKind.InvalidArgument:
                throw RpcErrors.CreateInvalidArgument(new FieldViolations().Add(refusal.Field ?? "request", refusal.Message));
            case RefusalKind.NotFound:
                RpcErrors.NotFound(refusal.ReasonCode, refusal.Message);
                break;
            default:
                RpcErrors.FailedPrecondition(refusal.ReasonCode, refusal.Message);
                break;
        }
    }

    [DoesNotReturn]
    private static T NotFound<T>(string id)
    {
        RpcErrors.NotFound(RegistryReasonCodes.UnknownPartner, $"The registry has no partner '{id}'.");
        return default;
    }

    private static void RequireId(string id)
    {
        if (!ApplicationRules.IsId(id))
        {
            RpcErrors.InvalidArgument("id", "a partner id: lower-case letters, digits and '-'");
        }
    }

    private static int PageSize(uint requested)
    {
        if (requested > MaxPageSize)
        {
            RpcErrors.InvalidArgument("page_size", $"at most {MaxPageSize}");
        }

        return requested == 0 ? DefaultPageSize : (int)requested;
    }

    private static string ToPageToken(string value) => Convert.ToBase64String(Encoding.UTF8.GetBytes(value));

    private static string FromPageToken(string token)
    {
        if (token.Length == 0)
        {
            return string.Empty;
        }

        try
        {
            return token.Length <= 200 ? Encoding.UTF8.GetString(Convert.FromBase64String(token)) : InvalidPageToken<string>();
        }
        catch (FormatException)
        {
            return InvalidPageToken<string>();
        }
    }

    [DoesNotReturn]
    private static T InvalidPageToken<T>()
    {
        RpcErrors.InvalidArgument("page_token", "not a page token of this registry");
        return default;
    }

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Registered {PartnerId} (by {Administrator}); registry revision {Revision}")]
    private static partial void LogRegistered(ILogger logger, string partnerId, string administrator, ulong revision);
}
