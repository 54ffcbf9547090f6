using Exchange.Contracts.Subjects;
using System.Text;
using System.Text.RegularExpressions;
using Exchange.Contracts.ChildProtection.V1;
using Exchange.Contracts.Ledger;
using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.Police.V1;
using Exchange.Contracts.SocialTeam.V1;
using SupportPlan = Exchange.Contracts.SocialTeam.V1.SupportPlan;
using Exchange.Contracts.V1;
using Exchange.Contracts.VeiligThuis.V1;
using Exchange.ServiceDefaults.Errors;
using Exchange.System.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Exchange.Scenario;
using Exchange.Scenario.Story;

namespace Exchange.System.Tests.Scenario;

/// <summary>
/// The acceptance scenario (../shared/design/SCENARIO.md), steps 1 to 12 as deploy/Exchange.Scenario plays them (the
/// launcher's --demo plays the same), through the gateway against the exchange as the launcher runs it: every service
/// its own process, real TLS, SQLite. Then what the story does not show: the social team's professional, asked again,
/// declines; the court's measure moves from the Raad to the GI; every decision names its legal basis; and no file the
/// exchange wrote holds a BSN.
/// </summary>
public sealed partial class LeoAndNoraScenarioTests
{
    private static readonly IReadOnlyList<string> Bsns = LeoAndNora.Bsns;
    private const int Leo = StoryFacts.Leo;
    private static readonly IReadOnlyList<int> Children = StoryFacts.Children;

    [Fact]
    public async Task The_story_of_Leo_and_Nora_plays_through_the_exchange_sharing_only_what_each_needs()
    {
        var ct = TestContext.Current.CancellationToken;
        // With trace files, so that the check that no BSN is in any file also covers every span the services record.
        await using var exchange = await LocalLauncher.StartAsync("--trace-files");

        // Steps 1 to 12, each checked as the scenario says (the same steps the launcher's --demo plays): a step that
        // does not behave fails the test naming the step and what happened instead.
        var told = new StringWriter();
        StoryFacts story;
        await using (var play = new LeoAndNora(exchange.Manifest, new Narration(told), LedgerCli.ExchangeDll))
        {
            story = await play.PlayAsync(cancellationToken: ct);
        }

        var raad = exchange.Partner(DemoPartners.ChildProtection);
        var team = exchange.Partner(DemoPartners.SocialTeam);
        var people = story.Pseudonyms.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        string[] Family(Partner p) => people[p.Id];
        var teamDecisions = new HolderDecisions.HolderDecisionsClient(team.Channel);
        Assert.All(LeoAndNora.Steps, step => Assert.Contains($"Step {step.Number}: {step.English}", told.ToString(), StringComparison.Ordinal));

        // Asked for Leo's mental health too, the team's professional declines: nothing is released, and the Raad is told.
        var second = await raad.RequestAsync(team.Id, new DisclosureRequest
        {
            Subject = Ref(Family(raad)[Leo]),
            Purpose = Purpose.ChildProtectionInvestigation,
            Categories = { DataCategory.Involvement, DataCategory.Health },
            Requester = raad.Professional("raadsonderzoeker", "rvdk-113"),
            Explanation = "And his mental health?",
        });
        Assert.Equal(Decision.HolderDecisionRequired, second.Receipt.Decision);
        var declined = await teamDecisions.DeclineAsync(new DeclineRequest
        {
            HolderDecisionId = second.Receipt.HolderDecisionId,
            Professional = team.Professional("sociaal werker", "sw-0042"),
            Reason = "Already answered; nothing more is needed for the question.",
        }, cancellationToken: ct);
        Assert.Equal(Decision.Deny, declined.Receipt.Decision);
        var raadTold = await raad.InboxAsync(d => Partner.Payloads<HolderDecisionOutcome>(d).Any(o => o.HolderDecisionId == second.Receipt.HolderDecisionId));
        Assert.Equal(HolderDecisionOutcome.Types.Outcome.Declined, Partner.Payloads<HolderDecisionOutcome>(raadTold).Single(o => o.HolderDecisionId == second.Receipt.HolderDecisionId).Outcome);
        Assert.DoesNotContain(raadTold, d => d.Receipt.HolderDecisionId == second.Receipt.HolderDecisionId && d.Signal.Payload.Is(SupportPlan.Descriptor));
        Assert.DoesNotContain(await Ledger(exchange), e => e.Kind == EntryKind.Release && e.HolderDecisionId == second.Receipt.HolderDecisionId);

        // After the story: the court imposes a supervision order, and the measure moves from the Raad to the GI that
        // carries it out. The Raad hands its file over; the GI then tells the social team under its own task.
        var gi = exchange.Partner(DemoPartners.YouthProtection);
        people[gi.Id] = await Task.WhenAll(Bsns.Select(gi.ResolveAsync));
        string[] ChildrenOf(Partner p) => [.. Children.Select(c => Family(p)[c])];
        await gi.RegisterInvolvementAsync(Purpose.ChildProtectionMeasure, "Team Tilburg, jeugdbeschermers", ChildrenOf(gi));
        ChildProtectionMeasure Order(Partner p) => new()
        {
            Children = { ChildrenOf(p).Select(Ref) },
            Kind = MeasureKind.SupervisionOrder,
            Stage = MeasureStage.Imposed,
            Period = new Period { Start = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), End = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddYears(1)) },
            Court = "Rechtbank Zeeland-West-Brabant",
            CarriedOutBy = gi.Id,
            Grounds = "The children's development is seriously threatened by the conflict between the parents.",
        };
        await new ChildProtectionSignals.ChildProtectionSignalsClient(raad.Channel).PublishMeasureAsync(
            new PublishMeasureRequest { Header = raad.Header("rvdk-113", ChildrenOf(raad), new Source { Kind = SourceKind.CourtDocument }), Measure = Order(raad) },
            cancellationToken: ct);
        var handedOver = Assert.Single(await gi.InboxAsync(d => Partner.Payloads<ChildProtectionMeasure>(d).Any()), d => d.Signal.Payload.Is(ChildProtectionMeasure.Descriptor));
        Assert.Equal(("jw-7-3-11", raad.Id), (handedOver.Receipt.LegalBasis.Id, handedOver.Signal.HolderOrganisationId));
        var measure = handedOver.Signal.Payload.Unpack<ChildProtectionMeasure>();
        Assert.Equal((MeasureStage.Imposed, gi.Id), (measure.Stage, measure.CarriedOutBy));
        Assert.NotEmpty(measure.Grounds);
        Assert.Equal(ChildrenOf(gi).Order(), measure.Children.Select(c => c.Pseudonym).Order());

        await new ChildProtectionSignals.ChildProtectionSignalsClient(gi.Channel).PublishMeasureAsync(
            new PublishMeasureRequest { Header = gi.Header("jb-0007", ChildrenOf(gi), new Source { Kind = SourceKind.CourtDocument }), Measure = Order(gi) },
            cancellationToken: ct);
        var teamMeasure = Assert.Single(
            await team.InboxAsync(d => d.Any(x => x.Signal.HolderOrganisationId == gi.Id && x.Signal.Payload.Is(ChildProtectionMeasure.Descriptor))),
            d => d.Signal.HolderOrganisationId == gi.Id && d.Signal.Payload.Is(ChildProtectionMeasure.Descriptor));
        Assert.Equal("gi-task", teamMeasure.Receipt.LegalBasis.Id);
        Assert.Equal(MeasureKind.SupervisionOrder, teamMeasure.Signal.Payload.Unpack<ChildProtectionMeasure>().Kind);
        // The Raad itself gives the social team no measure: its push to the team is decided and denied.
        var raadToTeam = await EventuallyAsync(async () => (await Ledger(exchange)).FirstOrDefault(e =>
            e is { Kind: EntryKind.Decision, DisclosureKind: DisclosureKind.Push, Purpose: Purpose.RecoveryPlanning }
            && e.HolderOrganisationId == raad.Id && e.Requester.OrganisationId == team.Id));
        Assert.Equal(Decision.Deny, raadToTeam.Decision);

        // Every decision that released or left something to a holder, and every release, names the legal basis that
        // decided, the same in both; a denial names none only where no rule connects the two for the purpose (the
        // Raad's and the GI's measure pushed to each other and to the team).
        var entries = await Ledger(exchange);
        var decisions = entries.Where(e => e.Kind == EntryKind.Decision).ToDictionary(e => e.Sequence);
        Assert.All(entries.Where(e => e.Kind == EntryKind.Release || (e.Kind == EntryKind.Decision && e.Decision != Decision.Deny)), e => Assert.NotEmpty(e.LegalBasisId));
        Assert.All(
            entries.Where(e => e.Kind == EntryKind.Decision && e.LegalBasisId.Length == 0),
            e => Assert.Contains(e.ReasonCode, new[] { ReasonCodes.PurposeNotCovered, ReasonCodes.NoPermittingRule }));
        Assert.All(entries.Where(e => e.Kind == EntryKind.Release), e => Assert.Equal(decisions[e.ConcernsSequence].LegalBasisId, e.LegalBasisId));

        // The launcher runs a witness, and the ledger has it cosign its checkpoints by itself: verify, given the witness's
        // key from the manifest, finds the latest checkpoint cosigned (cosigning follows the ledger by a few seconds).
        Assert.Contains("witness", exchange.Manifest.Services.Keys);
        var witness = Assert.IsType<Exchange.Client.Local.WitnessManifest>(exchange.Manifest.Ledger.Witness);
        var verified = await EventuallyAsync(async () =>
        {
            var run = await LedgerCli.RunAsync("ledger", "verify", "--sqlite", exchange.Manifest.Ledger.Sqlite, "--witness-key", witness.VerifierKey);
            Assert.True(run.ExitCode == 0, run.Output + run.Error);
            return run.Output.Contains("co-signed by witness exchange.local/witness", StringComparison.Ordinal)
                && !run.Output.Contains("not co-signed", StringComparison.Ordinal) ? run.Output : null;
        }, TimeSpan.FromSeconds(90));
        Assert.Matches(@"consistent with 1 trusted checkpoints", verified);

        // No log, trace or database file of the exchange holds a BSN.
        await exchange.StopAsync();
        KeepLedgerForReplay(exchange.Manifest.Ledger.Sqlite);
        var contents = exchange.Files().ToDictionary(f => Path.GetRelativePath(exchange.DataDirectory, f), f => Encoding.Latin1.GetString(File.ReadAllBytes(f)));
        Assert.Empty(contents.SelectMany(file => Bsns.Where(bsn => file.Value.Contains(bsn, StringComparison.Ordinal)).Select(bsn => $"{file.Key}: {bsn}")));
        Assert.Empty(contents.SelectMany(file => NineDigits().Matches(file.Value).Where(m => Bsn.IsValid(m.Value)).Select(m => $"{file.Key}: {m.Value}")));
        Assert.Contains(exchange.Files(), f => f.EndsWith(".traces.jsonl", StringComparison.Ordinal));
    }

    private static SubjectRef Ref(string pseudonym) => new() { Pseudonym = pseudonym };

    /// <summary>What another service records on its own schedule (a routed push's decision): looked for until it is there, at most 20 s.</summary>
    private static Task<T> EventuallyAsync<T>(Func<Task<T?>> find)
        where T : class => EventuallyAsync(find, TimeSpan.FromSeconds(20));

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> find, TimeSpan within)
        where T : class
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            if (await find() is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, $"not recorded within {within.TotalSeconds:0} s");
            await Task.Delay(200);
        }
    }

    /// <summary>./test.sh replays a changed policy bundle over the story's ledger (exchange policy replay): it names the file to keep.</summary>
    private static void KeepLedgerForReplay(string ledger)
    {
        if (Environment.GetEnvironmentVariable("EXCHANGE_SCENARIO_LEDGER") is not { Length: > 0 } keep)
        {
            return;
        }

        File.Copy(ledger, keep, overwrite: true);
        if (File.Exists(ledger + "-wal"))
        {
            File.Copy(ledger + "-wal", keep + "-wal", overwrite: true);
        }
    }

    private static Task<IReadOnlyList<LedgerEntry>> Ledger(LocalLauncher exchange) =>
        LedgerReader.AllAsync(exchange);

    /// <summary>
    /// Nine digits standing alone, as a BSN would be written: not inside a longer number or word
    /// (hexadecimal trace and signal ids), nor the fraction of a decimal.
    /// </summary>
    [GeneratedRegex(@"(?<![0-9A-Za-z])(?<![0-9]\.)[0-9]{9}(?![0-9A-Za-z])")]
    private static partial Regex NineDigits();
}
