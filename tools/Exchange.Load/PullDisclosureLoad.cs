using Exchange.Client;
using Exchange.Client.Local;
using Exchange.Contracts.V1;

namespace Exchange.Load;

/// <summary>
/// The full disclosure path under load, through the gateway with real mTLS and tokens: a social-team
/// system asks the police for what it may know (a restraining order's MEASURE fields) about people it is
/// involved with. Every call is decided, written to the ledger before the answer, redacted and receipted.
/// </summary>
public sealed class PullDisclosureLoad(LoadOptions options, TextWriter output)
{
    public async Task<LoadResult> RunAsync(CancellationToken cancellationToken) =>
        await RunAsync(LocalTarget.Read(options.Manifest), cancellationToken);

    public async Task<LoadResult> RunAsync(LocalTarget target, CancellationToken cancellationToken)
    {
        using var session = await OpenAsync(target, cancellationToken);
        await output.WriteLineAsync($"pull disclosures: {options.Workers} workers, {options.Duration.TotalSeconds:0} s, {options.People} people");
        return await LoadRunner.RunAsync(options.Workers, options.Duration, session.Call, cancellationToken);
    }

    /// <summary>Prepares the people once and returns the call to repeat (a soak repeats it interval after interval).</summary>
    public async Task<LoadSession> OpenAsync(LocalTarget target, CancellationToken cancellationToken)
    {
        var police = target.Connect(Domain.Police);
        var team = target.Connect(Domain.SocialTeam);
        try
        {
            var subjects = await PrepareAsync(police, team, cancellationToken);
            var client = new Disclosures.DisclosuresClient(team.Channel);
            var holder = PartnerChannel.Holder(police.OrganisationId);
            return new LoadSession(async (worker, random, stop) =>
            {
                var request = new DisclosureRequest
                {
                    Subject = new SubjectRef { Pseudonym = subjects[random.Next(subjects.Count)] },
                    Purpose = Purpose.RecoveryPlanning,
                    LegalBasis = new LegalBasisRef { Id = "wth" },
                    Categories = { DataCategory.Measure },
                    Requester = new Actor { Role = "sociaal werker", ProfessionalId = $"load-{worker}" },
                };
                await client.RequestAsync(request, holder, cancellationToken: stop);
            }, () =>
            {
                police.Dispose();
                team.Dispose();
                return Task.CompletedTask;
            });
        }
        catch
        {
            police.Dispose();
            team.Dispose();
            throw;
        }
    }

    /// <summary>The people, a restraining order about each at the police, and the social team's involvement with them.</summary>
    private async Task<IReadOnlyList<string>> PrepareAsync(PartnerConnection police, PartnerConnection team, CancellationToken cancellationToken)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var people = SyntheticPeople.Create(options.People, seed: options.People);
        var atTeam = new string[people.Count];
        using var gate = new SemaphoreSlim(8);
        await Task.WhenAll(people.Select(async (bsn, i) =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                atTeam[i] = await PrepareOneAsync(police, team, bsn, $"load-{run}-{i}", cancellationToken);
            }
            finally
            {
                gate.Release();
            }
        }));
        return atTeam;
    }

    private static async Task<string> PrepareOneAsync(PartnerConnection police, PartnerConnection team, string bsn, string key, CancellationToken cancellationToken)
    {
        var atPolice = (await Retry.OnRateLimitAsync(() => new Pseudonyms.PseudonymsClient(police.Channel)
            .ResolveAsync(new ResolveRequest { Bsn = bsn }, cancellationToken: cancellationToken).ResponseAsync, cancellationToken)).Subject;
        var atTeam = (await Retry.OnRateLimitAsync(() => new Pseudonyms.PseudonymsClient(team.Channel)
            .ResolveAsync(new ResolveRequest { Bsn = bsn }, cancellationToken: cancellationToken).ResponseAsync, cancellationToken)).Subject;
        await Retry.OnRateLimitAsync(() => new Involvements.InvolvementsClient(team.Channel).RegisterAsync(new RegisterRequest
        {
            Subjects = { atTeam },
            Purpose = Purpose.RecoveryPlanning,
            ContactPoint = new ContactPoint { Team = "Wijkteam (load)" },
        }, cancellationToken: cancellationToken).ResponseAsync, cancellationToken);
        await Retry.OnRateLimitAsync(() => RestrainingOrders.PublishAsync(police, atPolice, key, cancellationToken), cancellationToken);
        return atTeam.Pseudonym;
    }
}
