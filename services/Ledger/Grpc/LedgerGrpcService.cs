using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.V1;
using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Officers;
using Exchange.Ledger.Query;
using Exchange.ServiceDefaults.Errors;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Exchange.Ledger.Grpc;

/// <summary>
/// <c>ledger.v1.LedgerService</c> over an <see cref="IDisclosureLedger"/>. Bad input is answered with
/// InvalidArgument naming the field; an append that could not be made durable with Unavailable
/// (LEDGER_UNAVAILABLE), so callers fail closed. The reads are a privacy officers' system's, through
/// the gateway: narrowed to the caller's organisation (holder or recipient), recorded as OFFICER_READ
/// entries before they are answered, and a read of another organisation's entry is refused and recorded.
/// </summary>
public sealed class LedgerGrpcService(IDisclosureLedger ledger, OfficerLedger officers) : LedgerService.LedgerServiceBase
{
    private const int MaxReadLimit = 1000;

    public override async Task<AppendResponse> Append(AppendRequest request, ServerCallContext context)
    {
        LedgerAppend append;
        try
        {
            append = await ledger.AppendWithCheckpointAsync(request.Entries, context.CancellationToken);
        }
        catch (LedgerEntryException exception)
        {
            RpcErrors.InvalidArgument(exception.Field, exception.Message);
            throw;
        }
        catch (LedgerUnavailableException)
        {
            RpcErrors.Unavailable(ReasonCodes.LedgerUnavailable, "The ledger could not make the entries durable.");
            throw;
        }

        return new AppendResponse { Sequences = { append.Sequences }, Checkpoint = append.Checkpoint.Note };
    }

    public override async Task<QueryResponse> Query(QueryRequest request, ServerCallContext context)
    {
        var officer = ReviewerSystem.From(context);
        var violations = new FieldViolations();
        RequireReadPurpose(violations, request.ReadPurpose);
        var query = ToQuery(request, violations, "purpose");
        violations.ThrowIfAny();
        if (request.InvolvingOrganisationId.Length > 0 && request.InvolvingOrganisationId != officer.OrganisationId)
        {
            throw await Guard(() => officers.RefuseAsync(officer, request.ReadPurpose, ReadView.Api, [], context.CancellationToken));
        }

        var page = await officers.SearchAsync(officer, query, [], context.CancellationToken);
        var read = new OfficerRead { Purpose = request.ReadPurpose, View = ReadView.Api, From = request.From, To = request.To };
        read.Sequences.AddRange(page.Entries.Select(e => e.Sequence));
        await Guard(() => officers.RecordReadAsync(officer, read, context.CancellationToken));
        return new QueryResponse { Entries = { page.Entries }, NextPageToken = page.NextPageToken ?? string.Empty };
    }

    public override async Task<ReadEntriesResponse> ReadEntries(ReadEntriesRequest request, ServerCallContext context)
    {
        var officer = ReviewerSystem.From(context);
        var violations = new FieldViolations().Require(request.Limit <= MaxReadLimit, "limit", $"At most {MaxReadLimit} entries per call.");
        RequireReadPurpose(violations, request.ReadPurpose);
        violations.ThrowIfAny();

        var limit = request.Limit == 0 ? MaxReadLimit : (int)request.Limit;
        var entries = await ledger.ReadEntriesAsync(request.FromSequence, limit, context.CancellationToken);
        // A range is a scan: the caller gets the entries of it that its organisation is party to.
        var response = new ReadEntriesResponse
        {
            NextFromSequence = entries.Count == 0 ? Math.Max(request.FromSequence, ledger.Size) : entries[^1].Entry.Sequence + 1,
        };
        foreach (var entry in entries.Where(e => PartyRule.IsParty(e.Entry, officer.OrganisationId)))
        {
            response.Entries.Add(entry.Entry);
            response.Encoded.Add(ByteString.CopyFrom(entry.Encoded));
        }

        var read = new OfficerRead { Purpose = request.ReadPurpose, View = ReadView.Api };
        read.Sequences.AddRange(response.Entries.Select(e => e.Sequence));
        await Guard(() => officers.RecordReadAsync(officer, read, context.CancellationToken));
        return response;
    }

    public override async Task<GetCheckpointResponse> GetCheckpoint(GetCheckpointRequest request, ServerCallContext context)
    {
        SignedCheckpoint checkpoint;
        try
        {
            checkpoint = await ledger.CheckpointAsync(context.CancellationToken);
        }
        catch (LedgerUnavailableException)
        {
            RpcErrors.Unavailable(ReasonCodes.LedgerUnavailable, "The ledger could not sign a checkpoint.");
            throw;
        }

        return new GetCheckpointResponse
        {
            Checkpoint = ToMessage(checkpoint),
            VerifierKey = ledger.VerifierKey,
        };
    }

    public override async Task<ProveInclusionResponse> ProveInclusion(ProveInclusionRequest request, ServerCallContext context)
    {
        var officer = ReviewerSystem.From(context);
        var size = ledger.Size;
        var treeSize = request.TreeSize == 0 ? size : request.TreeSize;
        var violations = new FieldViolations()
            .Require(treeSize <= size, "tree_size", "The tree is not that large yet.")
            .Require(request.Sequence < treeSize, "sequence", "The entry is not in a tree of that size.");
        violations.ThrowIfAny();
        if (await officers.ReadOneAsync(request.Sequence, context.CancellationToken) is not { } entry || !PartyRule.IsParty(entry.Entry, officer.OrganisationId))
        {
            throw await Guard(() => officers.RefuseAsync(officer, OfficerReadPurpose.IntegrityCheck, ReadView.Api, [request.Sequence], context.CancellationToken));
        }

        var proof = ledger.ProveInclusion(request.Sequence, treeSize);
        return new ProveInclusionResponse
        {
            LeafIndex = proof.LeafIndex,
            TreeSize = proof.TreeSize,
            LeafHash = ByteString.CopyFrom(proof.LeafHash),
            Hashes = { proof.Hashes.Select(ByteString.CopyFrom) },
        };
    }

    public override Task<ProveConsistencyResponse> ProveConsistency(ProveConsistencyRequest request, ServerCallContext context)
    {
        var size = ledger.Size;
        var second = request.SecondTreeSize == 0 ? size : request.SecondTreeSize;
        var violations = new FieldViolations()
            .Require(second <= size, "second_tree_size", "The tree is not that large yet.")
            .Require(request.FirstTreeSize <= second, "first_tree_size", "The first tree size exceeds the second.");
        violations.ThrowIfAny();
        return Task.FromResult(new ProveConsistencyResponse
        {
            Hashes = { ledger.ProveConsistency(request.FirstTreeSize, second).Select(ByteString.CopyFrom) },
        });
    }

    public static Checkpoint ToMessage(SignedCheckpoint checkpoint) => new()
    {
        Note = checkpoint.Note,
        Origin = checkpoint.Origin,
        TreeSize = checkpoint.TreeSize,
        RootHash = ByteString.CopyFrom(checkpoint.RootHash),
        Time = Timestamp.FromDateTimeOffset(checkpoint.Time),
    };

    /// <summary>Translates a request into a query, rejecting malformed fields with InvalidArgument.</summary>
    public static LedgerQuery ToQuery(QueryRequest request)
    {
        var violations = new FieldViolations();
        var query = ToQuery(request, violations, "purpose");
        violations.ThrowIfAny();
        return query;
    }

    /// <summary>Translates a request into a query, adding what is malformed to <paramref name="violations"/>.</summary>
    public static LedgerQuery ToQuery(QueryRequest request, FieldViolations violations, string purposeField)
    {
        ulong? after = null;
        if (request.PageToken.Length > 0)
        {
            if (PageToken.TryDecode(request.PageToken, out var last))
            {
                after = last;
            }
            else
            {
                violations.Add("page_token", "The page token is not one this service issued.");
            }
        }

        DateTimeOffset? from = null;
        DateTimeOffset? to = null;
        violations
            .Require(request.PageSize <= LedgerQuery.MaxPageSize, "page_size", $"At most {LedgerQuery.MaxPageSize} entries per page.")
            .Require(request.From is null || TryTime(request.From, out from), "from", "Not a valid timestamp.")
            .Require(request.To is null || TryTime(request.To, out to), "to", "Not a valid timestamp.")
            .Require(System.Enum.IsDefined(request.Purpose), purposeField, "Unknown purpose.")
            .Require(System.Enum.IsDefined(request.Decision), "decision", "Unknown decision.")
            .Require(System.Enum.IsDefined(request.ReviewState), "review_state", "Unknown review state.")
            .Require(System.Enum.IsDefined(request.Kind), "kind", "Unknown entry kind.")
            .Require(request.SubjectPseudonym.Length <= 100 && request.LegalBasisId.Length <= 100 && request.HolderOrganisationId.Length <= 100
                && request.RecipientOrganisationId.Length <= 100 && request.InvolvingOrganisationId.Length <= 100, "subject_pseudonym",
                "Identifiers are at most 100 characters.");

        return new LedgerQuery
        {
            From = from,
            To = to,
            HolderOrganisationId = request.HolderOrganisationId,
            RecipientOrganisationId = request.RecipientOrganisationId,
            InvolvingOrganisationId = request.InvolvingOrganisationId,
            SubjectPseudonym = request.SubjectPseudonym,
            Purpose = request.Purpose == Purpose.Unspecified ? null : request.Purpose,
            LegalBasisId = request.LegalBasisId,
            Decision = request.Decision == Decision.Unspecified ? null : request.Decision,
            BreakGlass = request.HasBreakGlass ? request.BreakGlass : null,
            ReviewState = request.ReviewState == ReviewState.Unspecified ? null : request.ReviewState,
            Kind = request.Kind == EntryKind.Unspecified ? null : request.Kind,
            PageSize = request.PageSize == 0 ? LedgerQuery.DefaultPageSize : (int)request.PageSize,
            AfterSequence = after,
        };
    }

    private static void RequireReadPurpose(FieldViolations violations, OfficerReadPurpose purpose) =>
        violations.Require(purpose != OfficerReadPurpose.Unspecified && System.Enum.IsDefined(purpose), "read_purpose",
            "Say why the ledger is read: every read by a privacy officers' system is recorded with its purpose.");

    /// <summary>A read that cannot be recorded is not answered (fail closed).</summary>
    private static async Task<T> Guard<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (LedgerUnavailableException)
        {
            throw RpcErrors.Create(StatusCode.Unavailable, ReasonCodes.LedgerUnavailable, "The read could not be recorded in the ledger, so it is not answered.");
        }
    }

    private static bool TryTime(Timestamp timestamp, out DateTimeOffset? time)
    {
        try
        {
            time = timestamp.ToDateTimeOffset();
            return true;
        }
        catch (InvalidOperationException)
        {
            time = null;
            return false;
        }
    }
}
