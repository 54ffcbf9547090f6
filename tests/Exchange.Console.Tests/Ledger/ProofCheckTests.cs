using Exchange.Console.Ledger;
using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.V1;
using Exchange.Ledger;
using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Grpc;
using Exchange.Ledger.Hosting;
using Exchange.Testing;
using Google.Protobuf;

namespace Exchange.Console.Tests.Ledger;

/// <summary>The console's own check of an entry's proof: it holds only when entry, proof and signature all do.</summary>
public sealed class ProofCheckTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new("console-proof");
    private DisclosureLedger? _ledger;

    public async ValueTask InitializeAsync()
    {
        _ledger = await DisclosureLedger.OpenAsync(new LedgerOptions
        {
            SqlitePath = _directory.File("ledger.db"),
            SigningKeyPath = _directory.File("signing.key"),
            Origin = "exchange.test/ledger",
        });
        await _ledger.AppendAsync([.. Enumerable.Range(0, 7).Select(Entry)], TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_ledger is not null)
        {
            await _ledger.DisposeAsync();
        }

        _directory.Dispose();
    }

    [Fact]
    public async Task An_untouched_entry_verifies_against_the_signed_checkpoint()
    {
        var response = await ResponseAsync(4);

        var result = ProofCheck.Check(4, response, NoteVerifier.Parse(_ledger!.VerifierKey));

        Assert.True(result.Verified, result.Problem);
        Assert.Equal(7UL, result.TreeSize);
    }

    [Fact]
    public async Task An_entry_whose_bytes_were_changed_does_not_verify()
    {
        var response = await ResponseAsync(4);
        var bytes = response.Encoded.ToByteArray();
        bytes[^1] ^= 1;
        response.Encoded = ByteString.CopyFrom(bytes);

        Assert.False(ProofCheck.Check(4, response, NoteVerifier.Parse(_ledger!.VerifierKey)).Verified);
    }

    [Fact]
    public async Task An_entry_shown_otherwise_than_it_was_hashed_does_not_verify()
    {
        var response = await ResponseAsync(4);
        response.Entry.Entry.Released.Add(DataCategory.Health);

        var result = ProofCheck.Check(4, response, NoteVerifier.Parse(_ledger!.VerifierKey));

        Assert.False(result.Verified);
        Assert.Equal("the entry shown is not the entry hashed", result.Problem);
    }

    [Fact]
    public async Task A_checkpoint_signed_with_another_key_than_the_configured_one_does_not_verify()
    {
        var response = await ResponseAsync(4);
        using var other = NoteSigner.Generate("exchange.test/ledger");

        var result = ProofCheck.Check(4, response, other.Verifier);

        Assert.False(result.Verified);
        Assert.StartsWith("checkpoint:", result.Problem, StringComparison.Ordinal);
    }

    private async Task<GetEntryResponse> ResponseAsync(ulong sequence)
    {
        var ct = TestContext.Current.CancellationToken;
        var checkpoint = await _ledger!.CheckpointAsync(ct);
        var stored = (await _ledger.ReadEntriesAsync(sequence, 1, ct))[0];
        var shown = stored.Entry.Clone();
        shown.SubjectPseudonym = string.Empty;
        var response = new GetEntryResponse
        {
            Entry = new OfficerEntry { Entry = shown },
            Encoded = ByteString.CopyFrom(stored.Encoded),
            Checkpoint = LedgerGrpcService.ToMessage(checkpoint),
        };
        response.InclusionProof.AddRange(_ledger.ProveInclusion(sequence, checkpoint.TreeSize).Hashes.Select(ByteString.CopyFrom));
        return response;
    }

    private static LedgerEntry Entry(int i) => new()
    {
        Kind = EntryKind.Decision,
        DecisionId = $"d-{i}",
        Decision = Decision.Permit,
        SubjectPseudonym = $"x{i}",
        HolderOrganisationId = "vt-mwb",
        Requester = new Actor { OrganisationId = "rvdk-zuidwest" },
        Purpose = Purpose.ChildProtectionInvestigation,
        Released = { DataCategory.Safety },
    };
}
