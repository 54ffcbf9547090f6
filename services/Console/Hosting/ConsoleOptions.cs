using Exchange.Contracts.Ledger.V1;
using Exchange.Ledger.Checkpoints;

namespace Exchange.Console.Hosting;

/// <summary>The console's settings (section <c>Console</c>). Validated at start: a console that cannot log in or check proofs does not start.</summary>
public sealed record ConsoleOptions
{
    public const string Section = "Console";

    /// <summary>The identity service (OpenID Connect issuer), e.g. https://127.0.0.1:7405/.</summary>
    public Uri? Issuer { get; init; }

    /// <summary>PEM CA of the identity service's TLS certificate.</summary>
    public string? IssuerCaPath { get; init; }

    /// <summary>The console's public client (authorization code + PKCE).</summary>
    public string ClientId { get; init; } = "exchange-console";

    /// <summary>Where the ledger's officers' service listens on the internal network (the policy service).</summary>
    public Uri? LedgerAddress { get; init; }

    /// <summary>
    /// The ledger's published verifier key (name+keyid+base64). Checkpoints are checked against this key,
    /// never against the key the ledger sends along.
    /// </summary>
    public string? LedgerVerifierKey { get; init; }

    /// <summary>
    /// Signed checkpoints kept outside the ledger (e.g. the launcher's witness's latest cosigned checkpoint): every
    /// "verify now" also checks that the ledger still contains each one's tree.
    /// </summary>
    public IReadOnlyList<string> TrustedCheckpointFiles { get; init; } = [];

    /// <summary>The policy bundle: legal bases with their articles, purposes, agreements.</summary>
    public string? PolicyBundleDirectory { get; init; }

    /// <summary>Where the session cookies' data-protection keys persist; without it sessions end with the process.</summary>
    public string? KeysDirectory { get; init; }

    /// <summary>IANA time zone every time is shown in.</summary>
    public string TimeZone { get; init; } = "Europe/Amsterdam";

    /// <summary>How long a break-glass release may wait for its review before it is overdue.</summary>
    public TimeSpan BreakGlassReviewDeadline { get; init; } = TimeSpan.FromHours(72);

    /// <summary>Releases this close before an agreement's end (or after it) are on the review list.</summary>
    public TimeSpan AgreementEndWindow { get; init; } = TimeSpan.FromDays(30);

    /// <summary>How many weeks the overview covers.</summary>
    public int OverviewWeeks { get; init; } = 12;

    /// <summary>The period signals are computed over, up to now.</summary>
    public TimeSpan SignalPeriod { get; init; } = TimeSpan.FromDays(30);

    public SignalSettings Signals { get; init; } = new();

    /// <summary>How many entries a family timeline or an access report shows at most (the ledger pages through them all).</summary>
    public int MaxListed { get; init; } = 5000;

    /// <summary>The partners: organisation id and name (the launcher passes its partner configuration).</summary>
    public IReadOnlyList<OrganisationSetting> Organisations { get; init; } = [];

    public IEnumerable<string> Validate()
    {
        if (Issuer is null || Issuer.Scheme != Uri.UriSchemeHttps)
        {
            yield return $"{Section}:Issuer must be the identity service's https URL.";
        }

        if (string.IsNullOrWhiteSpace(IssuerCaPath) || !File.Exists(IssuerCaPath))
        {
            yield return $"{Section}:IssuerCaPath must name the PEM CA of the identity service's certificate.";
        }

        if (LedgerAddress is null)
        {
            yield return $"{Section}:LedgerAddress is required.";
        }

        string? keyProblem = null;
        try
        {
            _ = NoteVerifier.Parse(LedgerVerifierKey ?? string.Empty);
        }
        catch (FormatException)
        {
            keyProblem = $"{Section}:LedgerVerifierKey must be the ledger's verifier key (name+keyid+key).";
        }

        if (keyProblem is not null)
        {
            yield return keyProblem;
        }

        if (string.IsNullOrWhiteSpace(PolicyBundleDirectory) || !Directory.Exists(PolicyBundleDirectory))
        {
            yield return $"{Section}:PolicyBundleDirectory must name the policy bundle.";
        }

        if (!System.TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            yield return $"{Section}:TimeZone '{TimeZone}' is not a known time zone.";
        }

        if (BreakGlassReviewDeadline <= TimeSpan.Zero || OverviewWeeks is < 1 or > 52 || SignalPeriod <= TimeSpan.Zero || SignalPeriod > TimeSpan.FromDays(365))
        {
            yield return $"{Section}: the deadline, overview weeks (1-52) and signal period (up to a year) must be positive.";
        }
    }
}

public sealed record OrganisationSetting
{
    public string Id { get; init; } = string.Empty;

    public string Name { get; init; } = string.Empty;
}

/// <summary>Signal thresholds (see <c>SignalThresholds</c> in the ledger contract).</summary>
public sealed record SignalSettings
{
    public double VolumeFactor { get; init; } = 3;

    public uint VolumeMinPerDay { get; init; } = 20;

    public uint BaselineDays { get; init; } = 28;

    public uint LookupFollowUpHours { get; init; } = 72;

    public uint BreakGlassPerProfessional { get; init; } = 2;

    public uint UnusualFromHour { get; init; } = 22;

    public uint UnusualToHour { get; init; } = 6;

    public uint UnusualMinRequests { get; init; } = 3;

    public uint RepeatedDenials { get; init; } = 3;

    public SignalThresholds ToContract() => new()
    {
        VolumeFactor = VolumeFactor,
        VolumeMinPerDay = VolumeMinPerDay,
        BaselineDays = BaselineDays,
        LookupFollowUpHours = LookupFollowUpHours,
        BreakGlassPerProfessional = BreakGlassPerProfessional,
        UnusualFromHour = UnusualFromHour,
        UnusualToHour = UnusualToHour,
        UnusualMinRequests = UnusualMinRequests,
        RepeatedDenials = RepeatedDenials,
    };
}
