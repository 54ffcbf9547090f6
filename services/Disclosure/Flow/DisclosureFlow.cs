using System.Buffers.Binary;
using System.Security.Cryptography;
using Exchange.Contracts.Classification;
using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Exchange.Disclosure.Pseudonyms;
using Exchange.Disclosure.Redaction;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Telemetry;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Disclosure.Flow;

/// <summary>What left the holder, and the receipt the recipient gets with it.</summary>
public sealed record Disclosed(DisclosureReceipt Receipt, IReadOnlyList<Signal> Records, DecideResponse Decision);

/// <summary>
/// The one disclosure mechanism, for pulls and pushes alike, in the order that makes it safe:
/// decide (the policy service logs the decision before answering), then redact, then record the
/// release, and only then hand the records over. Any failure before the hand-over releases nothing.
/// </summary>
public sealed class DisclosureFlow(IDisclosureAuthority authority, PseudonymCodec codec, IEnumerable<IHolderNotices> holderNotices)
{
    public async Task<Disclosed> DiscloseAsync(DisclosureIntent intent, IReadOnlyList<Signal> records, CancellationToken cancellationToken)
    {
        using var activity = ExchangeTelemetry.Source.StartActivity("disclose");
        activity?.SetTag("exchange.holder", intent.HolderOrganisationId);
        activity?.SetTag("exchange.recipient", intent.Recipient.OrganisationId);
        activity?.SetTag("exchange.purpose", intent.Purpose.ToString());

        var decision = await authority.DecideAsync(ToDecideRequest(intent), cancellationToken);
        activity?.SetTag("exchange.decision", decision.Decision.ToString());
        if (decision.Decision is not (Decision.Permit or Decision.PartialPermit))
        {
            RpcErrors.PermissionDenied(
                decision.ReasonCode.Length > 0 ? decision.ReasonCode : ReasonCodes.DeniedByPolicy,
                "The disclosure was denied by policy; the denial is recorded in the ledger.",
                new Dictionary<string, string> { ["decision_id"] = decision.DecisionId, ["bundle_hash"] = decision.BundleHash });
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

        await authority.RecordReleaseAsync(Receipts(intent, decision, Digest(disclosed)), cancellationToken);
        var receipt = ToReceipt(intent, decision);
        if (intent.BreakGlassJustification is not null || decision.Obligations.Any(o => o.Kind == ObligationKind.NotifyHolder))
        {
            await NotifyHolderAsync(intent, decision, receipt, cancellationToken);
        }

        return new Disclosed(receipt, disclosed, decision);
    }

    /// <summary>
    /// The record as the recipient may see it: unreleased fields cleared, subjects translated to the
    /// recipient's pseudonyms, and the envelope naming only people the released fields (or the request) name.
    /// Null when nothing of the payload may be released.
    /// </summary>
    private Signal? Release(Signal stored, CategorySet released, DisclosureIntent intent)
    {
        if (Payloads.Unpack(stored.Payload) is not { } payload)
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
            Provenance = stored.Provenance,
            OccurredAt = stored.OccurredAt,
            PublishedAt = stored.PublishedAt,
            Payload = Any.Pack(redacted),
        };
        signal.Subjects.AddRange(stored.Subjects
            .Where(s => visible.Contains(s.Pseudonym))
            .Select(s => new SubjectRef { Pseudonym = codec.ToOrganisation(s.Pseudonym, recipient) }));
        return signal;
    }

    /// <summary>The holder learns who received what under break-glass, in its own pseudonyms.</summary>
    private async Task NotifyHolderAsync(DisclosureIntent intent, DecideResponse decision, DisclosureReceipt receipt, CancellationToken cancellationToken)
    {
        var holder = intent.HolderOrganisationId;
        var subjects = intent.Subjects.Select(s => new SubjectRef { Pseudonym = codec.ToOrganisation(s, holder) }).ToList();
        var notice = new BreakGlassNotice
        {
            DecisionId = decision.DecisionId,
            Recipient = intent.Recipient,
            Justification = intent.BreakGlassJustification ?? string.Empty,
            Released = { decision.Released },
        };
        notice.Subjects.AddRange(subjects);
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
            LegalBasis = new LegalBasisRef { Id = intent.LegalBasisId },
            Kind = intent.Kind,
            JointSession = intent.JointSession,
            SignalId = intent.SignalId ?? string.Empty,
            PayloadType = intent.PayloadType ?? string.Empty,
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

    private static List<LedgerEntry> Receipts(DisclosureIntent intent, DecideResponse decision, ByteString digest)
    {
        var receipts = new List<LedgerEntry>(intent.Subjects.Count);
        for (var i = 0; i < intent.Subjects.Count; i++)
        {
            var entry = new LedgerEntry
            {
                Kind = EntryKind.Release,
                TraceId = ExchangeTelemetry.CurrentTraceId,
                DecisionId = decision.DecisionId,
                Requester = intent.Recipient,
                HolderOrganisationId = intent.HolderOrganisationId,
                SubjectPseudonym = intent.Subjects[i],
                Purpose = intent.Purpose,
                LegalBasisId = intent.LegalBasisId,
                Decision = decision.Decision,
                BundleId = decision.BundleId,
                BundleHash = decision.BundleHash,
                ReleasedPayloadDigest = digest,
                DisclosureKind = intent.Kind,
                SignalId = intent.SignalId ?? string.Empty,
            };
            entry.Released.AddRange(decision.Released);
            if (i < decision.LedgerSequences.Count)
            {
                entry.ConcernsSequence = decision.LedgerSequences[i];
            }

            receipts.Add(entry);
        }

        return receipts;
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

    private static DisclosureReceipt ToReceipt(DisclosureIntent intent, DecideResponse decision)
    {
        var receipt = new DisclosureReceipt
        {
            DecisionId = decision.DecisionId,
            Decision = decision.Decision,
            Purpose = intent.Purpose,
            LegalBasis = new LegalBasisRef { Id = intent.LegalBasisId },
            BreakGlass = intent.BreakGlassJustification is not null,
        };
        receipt.Released.AddRange(decision.Released);
        receipt.Denied.AddRange(decision.Denied);
        receipt.Obligations.AddRange(decision.Obligations);
        return receipt;
    }
}
