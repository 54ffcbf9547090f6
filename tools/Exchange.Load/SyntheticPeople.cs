using Exchange.Contracts.Subjects;
namespace Exchange.Load;

/// <summary>Made-up BSNs that pass the 11-proof, for a load run against a local exchange only.</summary>
public static class SyntheticPeople
{
    public static IReadOnlyList<string> Create(int count, int seed)
    {
        var random = new Random(seed);
        var people = new HashSet<string>(StringComparer.Ordinal);
        while (people.Count < count)
        {
            var candidate = random.Next(100_000_000, 999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (Bsn.IsValid(candidate))
            {
                people.Add(candidate);
            }
        }

        return [.. people];
    }
}
