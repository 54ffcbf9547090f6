using Exchange.Contracts.Index.V1;
using Exchange.Contracts.Ledger;
using Exchange.Contracts.Node.V1;
using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Exchange.Disclosure.Delivery;
using Exchange.Disclosure.Flow;
using Exchange.Disclosure.Pseudonyms;
using Exchange.Node.Hosting;
using Exchange.Node.Store;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Telemetry;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Exchange.Node.HolderDecisions;

/// <summary>
/// The weighing a right of the holder asks for (the meldcode, the disciplinary case law): when the policy leaves a
/// request to the holder, it waits here for a professional of the holder. Approval runs the normal disclosure path
/// with that professional named, and the released records go into the requester's inbox with their receipt;
/// declining releases nothing; a request not decided in time expires. Every step is a ledger entry naming who
/// decided, and the requester is told how its request ended.
/// </summary>
public sealed partial class HolderDecisionFlow(
    NodeContext node,
    HolderDecisionStore store,
    SignalStore signals,
    DisclosureFlow flow,
    IDisclosureAuthority authority,
    IEnumerable<IHolderNotices> holderNotices,
    IInboxDelivery inboxes,
    RoutingService.RoutingServiceClient index,
    PseudonymCodec codec,
    TimeProvider time,
    ILogger<HolderDecisionFlow> logger)
{
    public const int MaxReasonLength = 2000;
    private const int MaxListed = 100;
    private const int MaxExpiredPerSweep = 50;

    /// <summary>
    /// Keeps a request the policy left to the holder and puts it in the holder's inbox: what was asked, by whom,
    /// why. The requester's receipt says until when it waits.
    /// </summary>
    public async Task<DisclosureReceipt> OpenAsync(DisclosureIntent intent, DisclosureRequest request, Disclosed disclosed, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var expires = now + node.Options.HolderDecisionTimeout;
        var decision = disclosed.Response;
        var pending = new PendingHolderRequest
        {
            HolderDecisionId = decision.DecisionId,
            HolderOrganisationId = intent.HolderOrganisationId,
            Requester = intent.Recipient,
            Subjects = { intent.Subjects },
            Purpose = intent.Purpose,
            LegalBasisId = decision.LegalBasis?.Id ?? intent.LegalBasisId,
            Awaiting = { decision.AwaitingHolder },
            PayloadTypes = { request.PayloadTypes },
            LatestOnly = request.LatestOnly,
            ActingFor = intent.ActingFor ?? string.Empty,
            JointSession = intent.JointSession,
            Explanation = request.Explanation,
            LedgerSequences = { decision.LedgerSequences },
            RequestedAt = Timestamp.FromDateTimeOffset(now),
            ExpiresAt = Timestamp.FromDateTimeOffset(expires),
        };
        store.Open(pending);

        var holder = intent.HolderOrganisationId;
        var subjects = InPseudonymsOf(pending, holder);
        var notice = new HolderDecisionRequested
        {
            HolderDecisionId = pending.HolderDecisionId,
            Requester = pending.Requester,
            Subjects = { subjects },
            Purpose = pending.Purpose,
            LegalBasis = new LegalBasisRef { Id = pending.LegalBasisId },
            Explanation = pending.Explanation,
            Awaiting = { pending.Awaiting },
            RequestedAt = pending.RequestedAt,
            ExpiresAt = pending.ExpiresAt,
        };
        var receipt = disclosed.Receipt.Clone();
        receipt.HolderDecisionExpiresAt = pending.ExpiresAt;
        foreach (var notices in holderNotices)
        {
            await notices.NotifyAsync(holder, "holder-decision-requested:" + pending.HolderDecisionId, subjects, notice, receipt, cancellationToken);
        }

        LogLeftToHolder(logger, pending.HolderDecisionId, holder);
        return receipt;
    }

    /// <summary>The holder's requests waiting for one of its professionals, oldest first, subjects in its own pseudonyms.</summary>
    public IReadOnlyList<PendingHolderDecision> Pending(string holder) =>
        [.. store.Pending(holder, time.GetUtcNow(), MaxListed).Select(p => new PendingHolderDecision
        {
            HolderDecisionId = p.HolderDecisionId,
            Requester = p.Requester,
            Subjects = { InPseudonymsOf(p, holder) },
            Purpose = p.Purpose,
            LegalBasis = new LegalBasisRef { Id = p.LegalBasisId },
            Explanation = p.Explanation,
            Awaiting = { p.Awaiting },
            RequestedAt = p.RequestedAt,
            ExpiresAt = p.ExpiresAt,
        })];

    /// <summary>
    /// A professional of the holder approves: the approval is recorded, the request is decided again with that
    /// professional named (the facts may have changed since), and what the policy releases goes into the
    /// requester's inbox with its receipt, followed by the outcome.
    /// </summary>
    public async Task<ApproveResponse> ApproveAsync(string holder, ApproveRequest request, CancellationToken cancellationToken)
    {
        var professional = Professional(holder, request.HolderDecisionId, request.Professional, request.Reason);
        var pending = await ClaimAsync(holder, request.HolderDecisionId, cancellationToken);
        try
        {
            var approved = ApprovedCategories(pending, request.Categories);
            await authority.RecordAsync(
                DisclosureEntries.HolderDecisions(Record(pending), DisclosureEntries.HolderApproved, professional, request.Reason, approved, ExchangeTelemetry.CurrentTraceId),
                cancellationToken);

            var records = signals.FindBySubject(holder, pending.Subjects[0], pending.PayloadTypes, pending.LatestOnly);
            var intent = new DisclosureIntent(holder, pending.Requester, [.. pending.Subjects], pending.Purpose, pending.LegalBasisId, approved, DisclosureKind.Pull)
            {
                HolderDecision = new HolderDecision { HolderDecisionId = pending.HolderDecisionId, DecidedBy = professional, Reason = request.Reason },
                ActingFor = pending.ActingFor.Length > 0 ? pending.ActingFor : null,
                JointSession = pending.JointSession,
                PayloadType = pending.PayloadTypes.Count == 1 ? pending.PayloadTypes[0] : null,
                KnownSubjects = [.. pending.Subjects],
            };
            var disclosed = await flow.DiscloseAsync(intent, [.. records.Select(r => r.Signal)], cancellationToken);

            var inbox = await InboxOfAsync(pending.Requester.OrganisationId, cancellationToken);
            foreach (var record in disclosed.Records)
            {
                await DeliverAsync(inbox, pending, $"holder-decision:{pending.HolderDecisionId}:{record.Id}", record, disclosed.Receipt, cancellationToken);
            }

            var outcome = disclosed.IsDenied ? HolderDecisionOutcome.Types.Outcome.NotReleased : HolderDecisionOutcome.Types.Outcome.Released;
            var reason = disclosed.IsDenied ? disclosed.Response.RecipientReasonCode : string.Empty;
            await DeliverAsync(inbox, pending, $"holder-decision:{pending.HolderDecisionId}", Outcome(pending, outcome, professional, disclosed.Receipt.Released, reason, pending.Requester.OrganisationId), disclosed.Receipt, cancellationToken);

            store.Finish(pending.HolderDecisionId, HolderDecisionState.Approved, time.GetUtcNow());
            LogDecided(logger, pending.HolderDecisionId, holder, "approved");
            return new ApproveResponse { Receipt = disclosed.Receipt, RecordsDelivered = (uint)disclosed.Records.Count };
        }
        catch
        {
            store.Reopen(pending.HolderDecisionId);
            throw;
        }
    }

    /// <summary>A professional of the holder declines: recorded with the reason, nothing is released, the requester is told.</summary>
    public async Task<DeclineResponse> DeclineAsync(string holder, DeclineRequest request, CancellationToken cancellationToken)
    {
        var professional = Professional(holder, request.HolderDecisionId, request.Professional, request.Reason);
        var pending = await ClaimAsync(holder, request.HolderDecisionId, cancellationToken);
        try
        {
            var receipt = await EndUnreleasedAsync(pending, DisclosureEntries.HolderDeclined, professional, request.Reason, HolderDecisionOutcome.Types.Outcome.Declined, cancellationToken);
            store.Finish(pending.HolderDecisionId, HolderDecisionState.Declined, time.GetUtcNow());
            LogDecided(logger, pending.HolderDecisionId, holder, "declined");
            return new DeclineResponse { Receipt = receipt };
        }
        catch
        {
            store.Reopen(pending.HolderDecisionId);
            throw;
        }
    }

    /// <summary>Expires every request whose time is up; returns how many. One that cannot be recorded or told now stays pending.</summary>
    public async Task<int> ExpireDueAsync(CancellationToken cancellationToken)
    {
        var expired = 0;
        foreach (var (id, holder) in store.Due(time.GetUtcNow(), MaxExpiredPerSweep))
        {
            if (store.Claim(id, holder).Request is not { } pending)
            {
                continue;
            }

            try
            {
                await ExpireAsync(pending, cancellationToken);
                expired++;
            }
            catch (RpcException exception) when (!cancellationToken.IsCancellationRequested)
            {
                store.Reopen(id);
                LogExpiryDeferred(logger, id, exception.StatusCode);
            }
        }

        return expired;
    }

    private async Task ExpireAsync(PendingHolderRequest pending, CancellationToken cancellationToken)
    {
        // No professional decided: the ledger names the holder organisation alone as the one that let it lapse.
        var holder = pending.HolderOrganisationId;
        var nobody = new Actor { OrganisationId = holder };
        var reason = $"not decided within {node.Options.HolderDecisionTimeout}";
        var receipt = await EndUnreleasedAsync(pending, DisclosureEntries.HolderDecisionExpired, nobody, reason, HolderDecisionOutcome.Types.Outcome.Expired, cancellationToken);
        var toHolder = OutcomeFor(pending, HolderDecisionOutcome.Types.Outcome.Expired, null, [], DisclosureEntries.HolderDecisionExpired, holder);
        foreach (var notices in holderNotices)
        {
            await notices.NotifyAsync(holder, "holder-decision-expired:" + pending.HolderDecisionId, toHolder.Subjects, toHolder, receipt, cancellationToken);
        }

        store.Finish(pending.HolderDecisionId, HolderDecisionState.Expired, time.GetUtcNow());
        LogDecided(logger, pending.HolderDecisionId, holder, "expired");
    }

    /// <summary>Records a decline or an expiry and tells the requester, with a receipt that releases nothing.</summary>
    private async Task<DisclosureReceipt> EndUnreleasedAsync(
        PendingHolderRequest pending, string reasonCode, Actor decidedBy, string reason, HolderDecisionOutcome.Types.Outcome outcome, CancellationToken cancellationToken)
    {
        await authority.RecordAsync(
            DisclosureEntries.HolderDecisions(Record(pending), reasonCode, decidedBy, reason, [], ExchangeTelemetry.CurrentTraceId),
            cancellationToken);
        var professional = decidedBy.ProfessionalId.Length > 0 ? decidedBy : null;
        var receipt = new DisclosureReceipt
        {
            DecisionId = pending.HolderDecisionId,
            Decision = Decision.Deny,
            Purpose = pending.Purpose,
            LegalBasis = new LegalBasisRef { Id = pending.LegalBasisId },
            HolderDecisionId = pending.HolderDecisionId,
            DecidedBy = professional,
        };
        receipt.Denied.AddRange(pending.Awaiting.Select(c => new CategoryDenial
        {
            Category = c,
            ReasonCode = reasonCode,
            Explanation = reasonCode == DisclosureEntries.HolderDeclined
                ? "a professional of the holder weighed the request and declined it"
                : "no professional of the holder decided the request in time",
        }));
        var requester = pending.Requester.OrganisationId;
        var inbox = await InboxOfAsync(requester, cancellationToken);
        await DeliverAsync(inbox, pending, $"holder-decision:{pending.HolderDecisionId}", Outcome(pending, outcome, professional, [], reasonCode, requester), receipt, cancellationToken);
        return receipt;
    }

    private async Task<PendingHolderRequest> ClaimAsync(string holder, string id, CancellationToken cancellationToken)
    {
        var (pending, state) = store.Claim(id, holder);
        if (pending is not null && pending.ExpiresAt.ToDateTimeOffset() <= time.GetUtcNow())
        {
            // Its time was up before the expiry sweep came to it: it expires now, and cannot be decided.
            try
            {
                await ExpireAsync(pending, cancellationToken);
            }
            catch
            {
                store.Reopen(id);
                throw;
            }

            state = HolderDecisionState.Expired;
            pending = null;
        }

        return pending ?? state switch
        {
            HolderDecisionState.Unknown => throw RpcErrors.Create(StatusCode.NotFound, ReasonCodes.HolderDecisionNotFound, "Your organisation has no request with that holder_decision_id."),
            HolderDecisionState.Expired => throw RpcErrors.Create(StatusCode.FailedPrecondition, DisclosureEntries.HolderDecisionExpired, "The request expired before it was decided; nothing was released, and the requester was told."),
            HolderDecisionState.Deciding => throw RpcErrors.Create(StatusCode.Aborted, ReasonCodes.HolderDecisionInProgress, "Another decision on this request is under way."),
            _ => throw RpcErrors.Create(StatusCode.FailedPrecondition, ReasonCodes.HolderDecisionAlreadyMade, $"The request was already {state.ToString().ToLowerInvariant()}."),
        };
    }

    /// <summary>The acting professional of the holder, checked before anything is claimed or recorded.</summary>
    private static Actor Professional(string holder, string id, Actor? professional, string reason)
    {
        var violations = new FieldViolations()
            .Require(id.Length is > 0 and <= 100, "holder_decision_id", "name the request, from HolderDecisionRequested or ListPending")
            .Require(professional is { Role.Length: > 0 and <= 100 }, "professional.role", "the deciding professional's role is required")
            .Require(professional is { ProfessionalId.Length: > 0 and <= 200 }, "professional.professional_id", "the deciding professional is required")
            .Require(reason.Length is > 0 and <= MaxReasonLength, "reason", $"give the reason for the decision, at most {MaxReasonLength} characters");
        violations.ThrowIfAny();
        if (professional!.OrganisationId.Length > 0 && professional.OrganisationId != holder)
        {
            RpcErrors.PermissionDenied(ReasonCodes.ActorMismatch, "professional.organisation_id is not the authenticated organisation.");
        }

        return new Actor { OrganisationId = holder, Role = professional.Role, ProfessionalId = professional.ProfessionalId };
    }

    private static List<DataCategory> ApprovedCategories(PendingHolderRequest pending, IReadOnlyList<DataCategory> asked)
    {
        if (asked.Count == 0)
        {
            return [.. pending.Awaiting];
        }

        var violations = new FieldViolations();
        for (var i = 0; i < asked.Count; i++)
        {
            violations.Require(pending.Awaiting.Contains(asked[i]), $"categories[{i}]", "approve only categories that await the decision");
        }

        violations.ThrowIfAny();
        return [.. asked.Distinct()];
    }

    private async Task<Uri> InboxOfAsync(string organisation, CancellationToken cancellationToken)
    {
        try
        {
            var located = await index.LocateInboxAsync(new LocateInboxRequest { OrganisationId = organisation }, cancellationToken: cancellationToken);
            return new Uri(located.NodeAddress);
        }
        catch (RpcException exception) when (exception.StatusCode != StatusCode.NotFound)
        {
            throw RpcErrors.Create(StatusCode.Unavailable, ReasonCodes.IndexUnavailable, "The requester's inbox could not be found now; the request still waits.");
        }
    }

    private Task DeliverAsync(Uri inbox, PendingHolderRequest pending, string key, Signal signal, DisclosureReceipt receipt, CancellationToken cancellationToken) =>
        inboxes.DeliverAsync(inbox, new DeliverRequest
        {
            RecipientOrganisationId = pending.Requester.OrganisationId,
            DeliveryKey = key,
            Signal = signal,
            Receipt = receipt,
        }, cancellationToken);

    /// <summary>The outcome as a signal for the requester's inbox.</summary>
    private Signal Outcome(
        PendingHolderRequest pending, HolderDecisionOutcome.Types.Outcome outcome, Actor? decidedBy, IEnumerable<DataCategory> released, string reasonCode, string recipient)
    {
        var payload = OutcomeFor(pending, outcome, decidedBy, released, reasonCode, recipient);
        var now = Timestamp.FromDateTimeOffset(time.GetUtcNow());
        return new Signal
        {
            Id = $"holder-decision:{pending.HolderDecisionId}",
            HolderOrganisationId = pending.HolderOrganisationId,
            OccurredAt = now,
            PublishedAt = now,
            Payload = Any.Pack(payload),
            Provenance = new Provenance { RecordedBy = new Actor { OrganisationId = "exchange" }, RecordedAt = now },
            Subjects = { payload.Subjects },
        };
    }

    /// <summary>The outcome, in the pseudonyms of the organisation that receives it.</summary>
    private HolderDecisionOutcome OutcomeFor(
        PendingHolderRequest pending, HolderDecisionOutcome.Types.Outcome outcome, Actor? decidedBy, IEnumerable<DataCategory> released, string reasonCode, string recipient) =>
        new()
        {
            HolderDecisionId = pending.HolderDecisionId,
            HolderOrganisationId = pending.HolderOrganisationId,
            Outcome = outcome,
            DecidedBy = decidedBy,
            Subjects = { InPseudonymsOf(pending, recipient) },
            Purpose = pending.Purpose,
            LegalBasis = new LegalBasisRef { Id = pending.LegalBasisId },
            Released = { released },
            ReasonCode = reasonCode,
        };

    private List<SubjectRef> InPseudonymsOf(PendingHolderRequest pending, string organisation) =>
        [.. pending.Subjects.Select(s => new SubjectRef { Pseudonym = codec.ToOrganisation(s, organisation) })];

    private static HolderDecisionRecord Record(PendingHolderRequest pending) => new(
        pending.HolderDecisionId,
        pending.HolderOrganisationId,
        pending.Requester,
        [.. pending.Subjects],
        pending.Purpose,
        pending.LegalBasisId,
        [.. pending.Awaiting],
        [.. pending.LedgerSequences]);

    // No legal basis or purpose here: which right was invoked (BW 1:240, Jeugdwet 7.3.11) tells what kind of proceedings
    // concern a family; that stays in the ledger, where only the parties' privacy officers read it.
    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Request {HolderDecisionId} left to a professional of holder {Holder}")]
    private static partial void LogLeftToHolder(ILogger logger, string holderDecisionId, string holder);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Information, Message = "Request {HolderDecisionId} of holder {Holder} {Outcome}")]
    private static partial void LogDecided(ILogger logger, string holderDecisionId, string holder, string outcome);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Warning, Message = "Expiry of request {HolderDecisionId} deferred ({Status}); tried again at the next sweep")]
    private static partial void LogExpiryDeferred(ILogger logger, string holderDecisionId, StatusCode status);
}
