namespace Exchange.Ledger.Witness;

/// <summary>A witness service (<c>Witness</c> section): its key, where it keeps what it cosigned, and the logs it witnesses.</summary>
public sealed record WitnessOptions
{
    public const string Section = "Witness";

    /// <summary>The witness's key name, the name on its cosignature lines, e.g. <c>witness.exchange.local</c>.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The witness's Ed25519 key file; created (mode 0600) on first start.</summary>
    public string KeyPath { get; init; } = string.Empty;

    /// <summary>Where the latest cosigned checkpoint of each log is kept.</summary>
    public string StateDirectory { get; init; } = string.Empty;

    /// <summary>The verifier key of each ledger witnessed (name+keyid+base64key).</summary>
    public IReadOnlyList<string> LogVerifierKeys { get; init; } = [];

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Name) || Name.Any(c => char.IsWhiteSpace(c) || c == '+'))
        {
            errors.Add("Witness:Name is required and may contain no spaces or '+'.");
        }

        if (string.IsNullOrWhiteSpace(KeyPath))
        {
            errors.Add("Witness:KeyPath is required.");
        }

        if (string.IsNullOrWhiteSpace(StateDirectory))
        {
            errors.Add("Witness:StateDirectory is required.");
        }

        if (LogVerifierKeys.Count == 0)
        {
            errors.Add("Witness:LogVerifierKeys needs the verifier key of at least one ledger.");
        }

        return errors;
    }
}
