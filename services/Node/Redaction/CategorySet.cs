using Exchange.Contracts.V1;

namespace Exchange.Node.Redaction;

/// <summary>A set of data categories as a bit mask: cheap to test on every field of every record.</summary>
public readonly record struct CategorySet(ulong Bits)
{
    public static CategorySet Empty => default;

    public bool IsEmpty => Bits == 0;

    public static CategorySet Of(IEnumerable<DataCategory> categories)
    {
        ulong bits = 0;
        foreach (var category in categories)
        {
            if (category != DataCategory.Unspecified)
            {
                bits |= 1UL << (int)category;
            }
        }

        return new CategorySet(bits);
    }

    public bool Contains(DataCategory category) => category != DataCategory.Unspecified && (Bits & (1UL << (int)category)) != 0;

    public CategorySet With(DataCategory category) =>
        category == DataCategory.Unspecified ? this : new CategorySet(Bits | (1UL << (int)category));

    public CategorySet Union(CategorySet other) => new(Bits | other.Bits);

    public IEnumerable<DataCategory> Items()
    {
        foreach (var category in Enum.GetValues<DataCategory>())
        {
            if (Contains(category))
            {
                yield return category;
            }
        }
    }
}
