using System.Buffers.Binary;
using System.Security.Cryptography;
using Exchange.Contracts.Classification;
using Exchange.Contracts.Ledger;
using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Exchange.Disclosure.Pseudonyms;
using Exchange.Disclosure.Redaction;
using Exchange.ServiceDefaults.Telemetry;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Disclosure.Flow;

/// <summary>
/// What a disclosure came to: the receipt the recipient is given (with every denied category's reason as it may
/// be told), the records that left (none when denied), and the policy's decision.
/// </summary>
public sealed record Disclosed(DisclosureReceipt Receipt, IReadOnlyList<Signal> Records, DecideResponse Response)
{
    /// <summary>True when nothing was released: the gRPC edge answers PermissionDenied (see <see cref="DisclosureStatus"/>).</summary>
    public bool IsDenied => Response.Decision is not (Decision.Permit or Decision.PartialPermit or Decision.HolderDecisionRequired);

    /// <summary>Nothing was released yet: the request waits for a professional of the holder.</summary>
    public bool IsLeftToHolder => Response.Decision == Decision.HolderDecisionRequired;
}

/// <summary>
/// The one disclosure mechanism, for pulls and pushes alike, in the order that makes it safe:
/// decide (the policy service logs the decision before answering), then redact, then record the
/// release, and only then hand the records over. A denial is a result, not an error; any failure before
/// the hand-over (policy or ledger unreachable) throws Unavailable and releases nothing.
/// </summary>
public sealed class DisclosureFlow(IDisclosureAuthority authority, PseudonymCodec codec, IEnumerable<IHolderNotices> holderNotices)
{
    public async Task<Disclosed> DiscloseAsync(DisclosureIntent intent, IReadOnlyList<Signal> records, CancellationToken cancellationToken)
    {
        using var activity = ExchangeTelemetry.Source.StartActivity("disclose");
        activity?.SetTag("exchange.holder", intent.HolderOrganisationId);
        activity?.SetTag("exchange.recipient", intent.Recipient.OrganisationId);
        activity?.SetTag("exchange.purpose", intent.Purpose.ToString());

        var request = ToDecideRequest(intent);
        var decision = await authority.DecideAsync(request, cancellationToken);
        activity?.SetTag("exchange.decision", decision.Decision.ToString());
        var receipt = ToReceipt(intent, decision);
        if (decision.Decision is not (Decision.Permit or Decision.PartialPermit))
        {
            // Denied, or left to a professional of the holder: nothing leaves now.
            return new Disclosed(receipt, [], decision);
        }

        var released = CategorySet.Of(decision.Released);
        var disclosed = new List<Signal>(records.Count);
        foreach (var record in records)
        {
            if (Release(record, released, intent) is { } signal)
            {
                disclosed.Add(signal);
            }
        }

        var recorded = await authority.RecordAsync(DisclosureEntries.Releases(request, decision, Digest(disclosed), ExchangeTelemetry.CurrentTraceId), cancellationToken);
        // The release is appended after the decision, so its checkpoint includes the decision's entries too.
        receipt.LedgerSequences.AddRange(recorded.Sequences);
        receipt.LedgerCheckpoint = recorded.Checkpoint;
        if (decision.BreakGlassUsed || decision.Obligations.Any(o => o.Kind == ObligationKind.NotifyHolder))
        {
            await NotifyHolderAsync(intent, decision, receipt, cancellationToken);
        }

        return new Disclosed(receipt, disclosed, decision);
    }

    /// <summary>
    /// The record as the recipient may see it, or null when none of it may be seen. A record reveals its own
    /// category by existing (its type name, its times, its provenance): without that category released it does not
    /// appear at all. Otherwise unreleased fields are cleared, sources whose kind reveals an unreleased category are
    /// left out, subjects are translated to the recipient's pseudonyms, and the envelope names only people the
    /// released fields (or the request) name.
    /// </summary>
    private Signal? Release(Signal stored, CategorySet released, DisclosureIntent intent)
    {
        if (Payloads.Unpack(stored.Payload) is not { } payload || !released.Contains(Categories.OfRecord(payload.Descriptor)))
        {
            return null;
        }

        var redacted = Redactor.Redact(payload, released);
        if (Redactor.IsEmpty(redacted))
        {
            return null;
        }

        var visible = new HashSet<string>(SubjectReferences.Collect(redacted), StringComparer.Ordinal);
        visible.UnionWith(intent.KnownSubjects);
        var recipient = intent.Recipient.OrganisationId;
        SubjectReferences.Rewrite(redacted, subject => codec.ToOrganisation(subject, recipient));

        var signal = new Signal
        {
            Id = stored.Id,
            HolderOrganisationId = stored.HolderOrganisationId,
            Provenance = Redactor.RedactProvenance(stored.Provenance, released),
            OccurredAt = stored.OccurredAt,
            PublishedAt = stored.PublishedAt,
            Payload = Any.Pack(redacted),
        };
        signal.Subjects.AddRange(stored.Subjects
            .Where(s => visible.Contains(s.Pseudonym))
            .Select(s => new SubjectRef { Pseudonym = codec.ToOrganisation(s.Pseudonym, recipient) }));
        return signal;
    }

    /// <summary>
    /// The holder learns of a release it must know of, in its own pseudonyms: one made by break-glass (waiting for
    /// its privacy officers' review), or one a rule says it is told of.
    /// </summary>
    private async Task NotifyHolderAsync(DisclosureIntent intent, DecideResponse decision, DisclosureReceipt receipt, CancellationToken cancellationToken)
    {
        var holder = intent.HolderOrganisationId;
        var subjects = intent.Subjects.Select(s => new SubjectRef { Pseudonym = codec.ToOrganisation(s, holder) }).ToList();
        IMessage notice = decision.BreakGlassUsed
            ? new BreakGlassNotice
            {
                DecisionId = decision.DecisionId,
                Recipient = intent.Recipient,
                Subjects = { subjects },
                Justification = intent.BreakGlassJustification ?? string.Empty,
                Released = { decision.Released },
                Purpose = intent.Purpose,
                LegalBasis = decision.LegalBasis,
            }
            : new DisclosureNotice
            {
                DecisionId = decision.DecisionId,
                Recipient = intent.Recipient,
                Subjects = { subjects },
                Purpose = intent.Purpose,
                LegalBasis = decision.LegalBasis,
                Released = { decision.Released },
            };
        foreach (var notices in holderNotices)
        {
            await notices.NotifyAsync(holder, "holder-notice:" + decision.DecisionId, subjects, notice, receipt, cancellationToken);
        }
    }

    private static DecideRequest ToDecideRequest(DisclosureIntent intent)
    {
        var request = new DecideRequest
        {
            HolderOrganisationId = intent.HolderOrganisationId,
            Recipient = intent.Recipient,
            Purpose = intent.Purpose,
            LegalBasis = intent.LegalBasisId.Length > 0 ? new LegalBasisRef { Id = intent.LegalBasisId } : null,
            Kind = intent.Kind,
            JointSession = intent.JointSession,
            SignalId = intent.SignalId ?? string.Empty,
            PayloadType = intent.PayloadType ?? string.Empty,
            HolderDecision = intent.HolderDecision,
            PublishedBy = intent.PublishedBy,
        };
        request.Subjects.AddRange(intent.Subjects.Select(s => new SubjectRef { Pseudonym = s }));
        request.Categories.AddRange(intent.Categories);
        if (intent.BreakGlassJustification is not null)
        {
            request.BreakGlass = new BreakGlass { Justification = intent.BreakGlassJustification };
        }

        if (intent.ActingFor is not null)
        {
            request.ActingFor = new SubjectRef { Pseudonym = intent.ActingFor };
        }

        return request;
    }

    /// <summary>SHA-256 over the released records, each length-prefixed, in the order they were handed over.</summary>
    public static ByteString Digest(IReadOnlyList<Signal> records)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (var record in records)
        {
            var bytes = record.ToByteArray();
            BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }

        return ByteString.CopyFrom(hash.GetHashAndReset());
    }

    /// <summary>
    /// What the recipient is told: the decision, the legal basis it was made under, what was released (or waits for
    /// a professional of the holder, and who decided), and for each denied category why, as far as it may be told
    /// (never a reason resting on data about the subjects).
    /// </summary>
    private static DisclosureReceipt ToReceipt(DisclosureIntent intent, DecideResponse decision)
    {
        var receipt = new DisclosureReceipt
        {
            DecisionId = decision.DecisionId,
            Decision = decision.Decision,
            Purpose = intent.Purpose,
            LegalBasis = decision.LegalBasis,
            BreakGlass = decision.BreakGlassUsed,
            HolderDecisionId = intent.HolderDecision?.HolderDecisionId
                ?? (decision.Decision == Decision.HolderDecisionRequired ? decision.DecisionId : string.Empty),
            DecidedBy = decision.DecidedBy,
        };
        receipt.Released.AddRange(decision.Released);
        receipt.AwaitingHolder.AddRange(decision.AwaitingHolder);
        receipt.Denied.AddRange(decision.RecipientDenied);
        receipt.Obligations.AddRange(decision.Obligations);
        receipt.LedgerSequences.AddRange(decision.LedgerSequences);
        receipt.LedgerCheckpoint = decision.LedgerCheckpoint;
        return receipt;
    }
}
