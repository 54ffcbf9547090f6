using Exchange.Contracts.Ledger.V1;
using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Hosting;
using Exchange.Ledger.Merkle;
using Exchange.Ledger.Tests.Support;
using Exchange.ServiceDefaults.Errors;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.Ledger.Tests.Grpc;

/// <summary>The ledger as the policy host will run it: AddDisclosureLedger + MapDisclosureLedger, called over gRPC.</summary>
public sealed class LedgerGrpcServiceTests : IAsyncLifetime
{
    private TestLedger? _test;
    private WebApplication? _app;
    private GrpcChannel? _channel;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Veilig Thuis's privacy officers' system, as the gateway forwards its calls (organisation verified).</summary>
    private LedgerService.LedgerServiceClient Client => As(SampleEntries.VeiligThuis);

    private LedgerService.LedgerServiceClient As(string organisation) => new(_channel!.Intercept(metadata =>
    {
        metadata.Add("x-exchange-organisation", organisation);
        return metadata;
    }));

    private static ReadEntriesRequest Read(ulong from, uint limit) => new() { FromSequence = from, Limit = limit, ReadPurpose = OfficerReadPurpose.IntegrityCheck };

    public async ValueTask InitializeAsync()
    {
        _test = await TestLedger.CreateAsync(StoreKind.Sqlite);
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ledger:Store"] = "Sqlite",
            ["Ledger:SqlitePath"] = _test.Options.SqlitePath,
            ["Ledger:SigningKeyPath"] = _test.Options.SigningKeyPath,
            ["Ledger:Origin"] = "exchange.test/ledger",
        });
        builder.Services.AddDisclosureLedger(builder.Configuration.GetSection("Ledger"));
        _app = builder.Build();
        _app.MapDisclosureLedger();
        await _app.StartAsync(Ct);
        _channel = GrpcChannel.ForAddress(_app.GetTestServer().BaseAddress,
            new GrpcChannelOptions { HttpHandler = _app.GetTestServer().CreateHandler() });
    }

    public async ValueTask DisposeAsync()
    {
        _channel?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }

        if (_test is not null)
        {
            await _test.DisposeAsync();
        }
    }

    [Fact]
    public async Task Append_returns_sequences_and_the_entries_read_back_with_the_bytes_their_leaves_were_hashed_from()
    {
        var response = await Client.AppendAsync(new AppendRequest { Entries = { SampleEntries.Decision("nora"), SampleEntries.Decision("leo") } },
            cancellationToken: Ct);
        var read = await Client.ReadEntriesAsync(Read(0, 10), cancellationToken: Ct);

        Assert.Equal([0UL, 1UL], response.Sequences);
        Assert.Equal(["nora", "leo"], read.Entries.Select(e => e.SubjectPseudonym));
        Assert.Equal(read.Entries.Select(e => e.ToByteString()), read.Encoded);
    }

    [Fact]
    public async Task An_inclusion_proof_from_the_service_verifies_against_its_signed_checkpoint_with_the_published_key()
    {
        await Client.AppendAsync(new AppendRequest { Entries = { Enumerable.Range(0, 9).Select(i => SampleEntries.Decision($"s{i}")) } },
            cancellationToken: Ct);
        var checkpoint = await Client.GetCheckpointAsync(new GetCheckpointRequest(), cancellationToken: Ct);
        var proof = await Client.ProveInclusionAsync(new ProveInclusionRequest { Sequence = 6, TreeSize = checkpoint.Checkpoint.TreeSize },
            cancellationToken: Ct);
        var entry = (await Client.ReadEntriesAsync(Read(6, 1), cancellationToken: Ct)).Encoded[0];

        var opened = SignedCheckpoint.Open(checkpoint.Checkpoint.Note, NoteVerifier.Parse(checkpoint.VerifierKey), out _);
        Assert.NotNull(opened);
        Assert.Equal(9UL, opened.TreeSize);
        Assert.Equal(MerkleHash.Leaf(entry.Span), proof.LeafHash.ToByteArray());
        Assert.True(MerkleProofs.VerifyInclusion(6, 9, MerkleHash.Leaf(entry.Span), proof.Hashes.Select(h => h.ToByteArray()).ToList(),
            opened.RootHash));
    }

    [Fact]
    public async Task A_consistency_proof_from_the_service_links_an_older_checkpoint_to_a_newer_one()
    {
        await Client.AppendAsync(new AppendRequest { Entries = { Enumerable.Range(0, 5).Select(i => SampleEntries.Decision($"s{i}")) } },
            cancellationToken: Ct);
        var old = (await Client.GetCheckpointAsync(new GetCheckpointRequest(), cancellationToken: Ct)).Checkpoint;
        await Client.AppendAsync(new AppendRequest { Entries = { Enumerable.Range(5, 8).Select(i => SampleEntries.Decision($"s{i}")) } },
            cancellationToken: Ct);
        var current = (await Client.GetCheckpointAsync(new GetCheckpointRequest(), cancellationToken: Ct)).Checkpoint;

        var proof = await Client.ProveConsistencyAsync(new ProveConsistencyRequest { FirstTreeSize = 5, SecondTreeSize = 13 }, cancellationToken: Ct);

        Assert.True(MerkleProofs.VerifyConsistency(old.TreeSize, current.TreeSize, old.RootHash.Span, current.RootHash.Span,
            proof.Hashes.Select(h => h.ToByteArray()).ToList()));
    }

    [Fact]
    public async Task Query_pages_with_the_returned_token()
    {
        await Client.AppendAsync(new AppendRequest { Entries = { Enumerable.Range(0, 5).Select(_ => SampleEntries.Decision("nora")) } },
            cancellationToken: Ct);

        var first = await Client.QueryAsync(new QueryRequest { SubjectPseudonym = "nora", PageSize = 3, ReadPurpose = OfficerReadPurpose.RegularReview }, cancellationToken: Ct);
        var second = await Client.QueryAsync(new QueryRequest { SubjectPseudonym = "nora", PageSize = 3, PageToken = first.NextPageToken, ReadPurpose = OfficerReadPurpose.RegularReview },
            cancellationToken: Ct);

        Assert.Equal([0UL, 1, 2], first.Entries.Select(e => e.Sequence));
        Assert.Equal([3UL, 4], second.Entries.Select(e => e.Sequence));
        Assert.Empty(second.NextPageToken);
    }

    [Fact]
    public async Task A_privacy_officers_system_reads_only_its_organisations_entries_of_a_range_and_each_read_is_recorded()
    {
        await Client.AppendAsync(new AppendRequest
        {
            Entries =
            {
                SampleEntries.Decision("nora", holder: SampleEntries.Police, recipient: SampleEntries.SocialTeam),
                SampleEntries.Decision("nora"),
            },
        }, cancellationToken: Ct);

        var read = await Client.ReadEntriesAsync(Read(0, 2), cancellationToken: Ct);

        Assert.Equal([1UL], read.Entries.Select(e => e.Sequence));
        Assert.Equal(2UL, read.NextFromSequence);
        var recorded = (await As(SampleEntries.VeiligThuis).QueryAsync(new QueryRequest
        {
            Kind = EntryKind.OfficerRead, ReadPurpose = OfficerReadPurpose.RegularReview,
        }, cancellationToken: Ct)).Entries[0];
        Assert.Equal(OfficerReadPurpose.IntegrityCheck, recorded.OfficerRead.Purpose);
        Assert.Equal(ReadView.Api, recorded.OfficerRead.View);
        Assert.Equal([1UL], recorded.OfficerRead.Sequences);
    }

    [Fact]
    public async Task Asking_the_api_for_another_organisations_entries_is_permission_denied_and_recorded()
    {
        await Client.AppendAsync(new AppendRequest { Entries = { SampleEntries.Decision("nora", holder: SampleEntries.Police, recipient: SampleEntries.SocialTeam) } },
            cancellationToken: Ct);

        var byQuery = await Assert.ThrowsAsync<RpcException>(async () => await Client.QueryAsync(new QueryRequest
        {
            InvolvingOrganisationId = SampleEntries.Police, ReadPurpose = OfficerReadPurpose.RegularReview,
        }, cancellationToken: Ct));
        var byProof = await Assert.ThrowsAsync<RpcException>(async () => await Client.ProveInclusionAsync(new ProveInclusionRequest { Sequence = 0 }, cancellationToken: Ct));
        var withoutPurpose = await Assert.ThrowsAsync<RpcException>(async () => await Client.QueryAsync(new QueryRequest(), cancellationToken: Ct));

        Assert.Equal((StatusCode.PermissionDenied, "NOT_PARTY"), (byQuery.StatusCode, RpcErrors.ReasonOf(byQuery)));
        Assert.Equal((StatusCode.PermissionDenied, "NOT_PARTY"), (byProof.StatusCode, RpcErrors.ReasonOf(byProof)));
        Assert.Equal(StatusCode.InvalidArgument, withoutPurpose.StatusCode);
        Assert.Contains("read_purpose", withoutPurpose.Status.Detail, StringComparison.Ordinal);
        var refusals = (await Client.QueryAsync(new QueryRequest { Kind = EntryKind.OfficerRead, ReadPurpose = OfficerReadPurpose.RegularReview }, cancellationToken: Ct))
            .Entries.Where(e => e.Decision == Exchange.Contracts.V1.Decision.Deny).ToList();
        Assert.Equal(2, refusals.Count);
        Assert.All(refusals, r => Assert.Equal("NOT_PARTY", r.ReasonCode));
        Assert.Equal([0UL], refusals[1].OfficerRead.Sequences);
    }

    [Fact]
    public async Task An_incomplete_entry_is_rejected_as_invalid_argument_naming_the_field()
    {
        var entry = SampleEntries.Decision("nora");
        entry.HolderOrganisationId = string.Empty;

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.AppendAsync(new AppendRequest { Entries = { entry } }, cancellationToken: Ct));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(ReasonCodes.InvalidArgument, RpcErrors.ReasonOf(error));
        Assert.Contains("entries[0].holder_organisation_id", error.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("page_token")]
    [InlineData("page_size")]
    [InlineData("sequence")]
    [InlineData("second_tree_size")]
    public async Task Malformed_requests_are_invalid_argument_naming_the_field(string field)
    {
        await Client.AppendAsync(new AppendRequest { Entries = { SampleEntries.Decision("nora") } }, cancellationToken: Ct);
        Func<Task> call = field switch
        {
            "page_token" => async () => await Client.QueryAsync(new QueryRequest { PageToken = "not-a-token", ReadPurpose = OfficerReadPurpose.RegularReview }, cancellationToken: Ct),
            "page_size" => async () => await Client.QueryAsync(new QueryRequest { PageSize = 5000, ReadPurpose = OfficerReadPurpose.RegularReview }, cancellationToken: Ct),
            "sequence" => async () => await Client.ProveInclusionAsync(new ProveInclusionRequest { Sequence = 1 }, cancellationToken: Ct),
            _ => async () => await Client.ProveConsistencyAsync(new ProveConsistencyRequest { FirstTreeSize = 1, SecondTreeSize = 2 },
                cancellationToken: Ct),
        };

        var error = await Assert.ThrowsAsync<RpcException>(call);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(field, error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_ledger_signs_a_final_checkpoint_when_the_host_stops()
    {
        await Client.AppendAsync(new AppendRequest { Entries = { SampleEntries.Decision("nora") } }, cancellationToken: Ct);

        await _app!.StopAsync(Ct);

        await using var store = DisclosureLedger.CreateStore(_test!.Options);
        await store.InitializeAsync(Ct);
        Assert.Equal(1L, (await store.ReadCheckpointsAsync(Ct))[^1].TreeSize);
    }
}

public sealed class LedgerOptionsTests
{
    [Fact]
    public void Options_without_a_postgres_connection_string_for_the_postgres_store_are_refused()
    {
        var errors = new LedgerOptions { Store = LedgerStoreKind.Postgres }.Validate();
        Assert.Contains(errors, e => e.Contains("PostgresConnectionString", StringComparison.Ordinal));
    }

    [Fact]
    public void The_default_options_are_valid() => Assert.Empty(new LedgerOptions().Validate());

    [Fact]
    public void An_origin_with_a_space_is_refused() =>
        Assert.Contains(new LedgerOptions { Origin = "my ledger" }.Validate(), e => e.Contains("Origin", StringComparison.Ordinal));
}
