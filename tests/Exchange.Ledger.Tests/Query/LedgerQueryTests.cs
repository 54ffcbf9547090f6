using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.V1;
using Exchange.Ledger.Query;
using Exchange.Ledger.Tests.Support;

namespace Exchange.Ledger.Tests.Query;

public sealed class LedgerQueryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// 0: VT → RvdK, Nora, permit.   1: VT → RvdK, child, permit.   2: police → social team, Nora, deny, recovery planning.
    /// 3: VT → police, Nora, break-glass pending, acute safety.   4: review approving 3.   5: social team → RvdK, Leo, HEALTH basis.
    /// </summary>
    private static async Task<Seeded> SeedAsync(StoreKind kind)
    {
        var test = await TestLedger.CreateAsync(kind);
        var ledger = await test.OpenAsync();
        await ledger.AppendAsync([
            SampleEntries.Decision("nora", decisionId: "dec-1"),
            SampleEntries.Decision("child-1", decisionId: "dec-1"),
        ], Ct);
        await ledger.AppendAsync([SampleEntries.Decision("nora", SampleEntries.Police, SampleEntries.SocialTeam, Purpose.RecoveryPlanning,
            "none", Decision.Deny)], Ct);
        await ledger.AppendAsync([SampleEntries.Decision("nora", SampleEntries.VeiligThuis, SampleEntries.Police, Purpose.AcuteSafety,
            "wpg-19", Decision.Permit, breakGlass: "Restraining order broken at 02:00", review: ReviewState.Pending)], Ct);
        await ledger.AppendAsync([SampleEntries.Review(3, ReviewState.Approved)], Ct);
        await ledger.AppendAsync([SampleEntries.Decision("leo", SampleEntries.SocialTeam, SampleEntries.Raad, legalBasis: "bw-1-240-health")], Ct);
        return new Seeded(test, ledger);
    }

    private static async Task<IEnumerable<ulong>> SequencesAsync(DisclosureLedger ledger, LedgerQuery query) =>
        (await ledger.QueryAsync(query, Ct)).Entries.Select(e => e.Sequence);

    private sealed record Seeded(TestLedger Test, DisclosureLedger Ledger) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Ledger.DisposeAsync();
            await Test.DisposeAsync();
        }
    }

    public static TheoryData<StoreKind, string, ulong[]> Filters()
    {
        var data = new TheoryData<StoreKind, string, ulong[]>();
        foreach (var kind in new[] { StoreKind.Sqlite, StoreKind.Postgres })
        {
            data.Add(kind, "holder", [2]);
            data.Add(kind, "recipient", [0, 1, 5]);
            data.Add(kind, "involving", [2, 3]);
            data.Add(kind, "subject", [0, 2, 3]);
            data.Add(kind, "purpose", [3]);
            data.Add(kind, "legal basis", [5]);
            data.Add(kind, "decision", [2]);
            data.Add(kind, "break-glass", [3]);
            data.Add(kind, "no break-glass", [0, 1, 2, 4, 5]);
            data.Add(kind, "kind", [4]);
            data.Add(kind, "combined", [0]);
        }

        return data;
    }

    private static LedgerQuery QueryFor(string filter) => filter switch
    {
        "holder" => new() { HolderOrganisationId = SampleEntries.Police },
        "recipient" => new() { RecipientOrganisationId = SampleEntries.Raad },
        "involving" => new() { InvolvingOrganisationId = SampleEntries.Police },
        "subject" => new() { SubjectPseudonym = "nora" },
        "purpose" => new() { Purpose = Purpose.AcuteSafety },
        "legal basis" => new() { LegalBasisId = "bw-1-240-health" },
        "decision" => new() { Decision = Decision.Deny },
        "break-glass" => new() { BreakGlass = true },
        "no break-glass" => new() { BreakGlass = false },
        "kind" => new() { Kind = EntryKind.Review },
        "combined" => new() { SubjectPseudonym = "nora", RecipientOrganisationId = SampleEntries.Raad, Decision = Decision.Permit },
        _ => throw new ArgumentOutOfRangeException(nameof(filter)),
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Each_filter_returns_exactly_the_matching_entries_in_sequence_order(StoreKind kind, string filter, ulong[] expected)
    {
        await using var seeded = await SeedAsync(kind);
        var ledger = seeded.Ledger;
        var page = await ledger.QueryAsync(QueryFor(filter), Ct);

        Assert.Equal(expected, page.Entries.Select(e => e.Sequence));
        Assert.Null(page.NextPageToken);
    }

    [Theory]
    [BothStores]
    public async Task The_review_state_filter_uses_the_latest_review_of_an_entry(StoreKind kind)
    {
        await using var seeded = await SeedAsync(kind);
        var ledger = seeded.Ledger;
        Assert.Empty(await SequencesAsync(ledger, new LedgerQuery { ReviewState = ReviewState.Pending }));
        Assert.Equal([3UL], await SequencesAsync(ledger, new LedgerQuery { ReviewState = ReviewState.Approved, Kind = EntryKind.Decision }));

        await ledger.AppendAsync([SampleEntries.Review(3, ReviewState.Rejected)], Ct);

        Assert.Empty(await SequencesAsync(ledger, new LedgerQuery { ReviewState = ReviewState.Approved, Kind = EntryKind.Decision }));
        Assert.Equal([3UL], await SequencesAsync(ledger, new LedgerQuery { ReviewState = ReviewState.Rejected, Kind = EntryKind.Decision }));
    }

    [Theory]
    [BothStores]
    public async Task A_new_break_glass_entry_waits_in_the_pending_review_queue(StoreKind kind)
    {
        await using var seeded = await SeedAsync(kind);
        var ledger = seeded.Ledger;
        var sequence = (await ledger.AppendAsync([SampleEntries.Decision("nora", purpose: Purpose.AcuteSafety, breakGlass: "again",
            review: ReviewState.Pending)], Ct))[0];

        var queue = await ledger.QueryAsync(new LedgerQuery { ReviewState = ReviewState.Pending, BreakGlass = true }, Ct);

        Assert.Equal([sequence], queue.Entries.Select(e => e.Sequence));
    }

    [Theory]
    [BothStores]
    public async Task Keyset_paging_visits_every_match_once_in_order_and_ignores_entries_appended_behind_the_cursor(StoreKind kind)
    {
        await using var seeded = await SeedAsync(kind);
        var ledger = seeded.Ledger;
        var seen = new List<ulong>();
        var query = new LedgerQuery { PageSize = 2 };
        while (true)
        {
            var page = await ledger.QueryAsync(query, Ct);
            seen.AddRange(page.Entries.Select(e => e.Sequence));
            if (page.NextPageToken is null)
            {
                break;
            }

            Assert.True(PageToken.TryDecode(page.NextPageToken, out var last));
            query = query with { AfterSequence = last };
        }

        Assert.Equal([0UL, 1, 2, 3, 4, 5], seen);
    }

    [Theory]
    [BothStores]
    public async Task The_period_filter_includes_the_start_and_excludes_the_end(StoreKind kind)
    {
        await using var seeded = await SeedAsync(kind);
        var ledger = seeded.Ledger;
        var all = (await ledger.QueryAsync(new LedgerQuery(), Ct)).Entries;
        var third = all[2].RecordedAt.ToDateTimeOffset();

        var from = await ledger.QueryAsync(new LedgerQuery { From = third }, Ct);
        var to = await ledger.QueryAsync(new LedgerQuery { To = third }, Ct);

        Assert.Equal(all.Where(e => e.RecordedAt.ToDateTimeOffset() >= third).Select(e => e.Sequence), from.Entries.Select(e => e.Sequence));
        Assert.Equal(all.Where(e => e.RecordedAt.ToDateTimeOffset() < third).Select(e => e.Sequence), to.Entries.Select(e => e.Sequence));
        Assert.Contains(2UL, from.Entries.Select(e => e.Sequence));
    }

    [Theory]
    [InlineData(StoreKind.Sqlite, "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ledger_entries'")]
    [InlineData(StoreKind.Postgres, "SELECT indexdef FROM pg_indexes WHERE tablename = 'ledger_entries' AND schemaname = current_schema()")]
    public async Task Every_filter_column_leads_an_index(StoreKind kind, string listIndexes)
    {
        await using var test = await TestLedger.CreateAsync(kind);
        await using (await test.OpenAsync())
        {
        }

        var definitions = new List<string>();
        await using (var connection = kind == StoreKind.Postgres
            ? (System.Data.Common.DbConnection)new Npgsql.NpgsqlConnection(test.Target)
            : new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={test.Target};Pooling=false"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = listIndexes;
            await using var reader = await command.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
            {
                definitions.Add(reader.IsDBNull(0) ? string.Empty : reader.GetString(0));
            }
        }

        foreach (var column in new[]
        {
            "recorded_at", "holder_organisation_id", "recipient_organisation_id", "subject_pseudonym", "purpose", "legal_basis_id",
            "decision", "break_glass", "review_state", "kind", "concerns_sequence", "review_verdict",
        })
        {
            Assert.Contains(definitions, d => d.Contains($"({column}", StringComparison.Ordinal));
        }
    }
}

public sealed class PageTokenTests
{
    [Fact]
    public void A_page_token_round_trips_the_last_sequence_of_a_page()
    {
        Assert.True(PageToken.TryDecode(PageToken.Encode(41), out var last));
        Assert.Equal(41UL, last);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("AQAAAAAAAAAp!")]
    public void Tokens_this_service_did_not_issue_are_refused(string token) => Assert.False(PageToken.TryDecode(token, out _));

    [Fact]
    public void A_token_beyond_any_stored_sequence_is_refused() => Assert.False(PageToken.TryDecode(PageToken.Encode(ulong.MaxValue), out _));
}
