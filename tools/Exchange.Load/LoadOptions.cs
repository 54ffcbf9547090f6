namespace Exchange.Load;

/// <summary>One load run. Bounded by design: it only targets a local exchange and stops by itself.</summary>
public sealed record LoadOptions(string Manifest, int Workers, TimeSpan Duration, int People)
{
    public const int MaxWorkers = 256;
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(2);

    public IEnumerable<string> Validate()
    {
        if (!File.Exists(Manifest))
        {
            yield return $"--manifest: {Manifest} does not exist; start the exchange first (dotnet run --project deploy/Exchange.Local).";
        }

        if (Workers is < 1 or > MaxWorkers)
        {
            yield return $"--workers must be between 1 and {MaxWorkers}.";
        }

        if (Duration <= TimeSpan.Zero || Duration > MaxDuration)
        {
            yield return $"--seconds must be between 1 and {MaxDuration.TotalSeconds:0}.";
        }

        if (People is < 1 or > 10_000)
        {
            yield return "--people must be between 1 and 10000.";
        }
    }
}
