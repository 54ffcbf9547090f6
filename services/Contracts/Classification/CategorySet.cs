using System.Collections;
using System.Numerics;
using Exchange.Contracts.V1;

namespace Exchange.Contracts.Classification;

/// <summary>
/// A set of data categories as a bit mask, in category number order: a value, so deciding and redacting
/// allocate nothing for it. The policy engine decides in these sets; redaction releases by them.
/// </summary>
public readonly record struct CategorySet(uint Mask) : IEnumerable<DataCategory>
{
    public static CategorySet Empty => default;

    public int Count => BitOperations.PopCount(Mask);

    public bool IsEmpty => Mask == 0;

    /// <summary>The set of the given categories; <see cref="DataCategory.Unspecified"/> is never a member.</summary>
    public static CategorySet Of(IEnumerable<DataCategory> categories)
    {
        var set = Empty;
        foreach (var category in categories)
        {
            set = set.With(category);
        }

        return set;
    }

    public bool Contains(DataCategory category) => (int)category is > 0 and < 32 && (Mask & (1u << (int)category)) != 0;

    public CategorySet With(DataCategory category) =>
        (int)category is > 0 and < 32 ? new CategorySet(Mask | (1u << (int)category)) : this;

    public CategorySet Union(CategorySet other) => new(Mask | other.Mask);

    public Enumerator GetEnumerator() => new(Mask);

    IEnumerator<DataCategory> IEnumerable<DataCategory>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Join(", ", this.Select(Categories.NameOf));

    public struct Enumerator(uint mask) : IEnumerator<DataCategory>
    {
        private uint _remaining = mask;

        public DataCategory Current { get; private set; }

        readonly object IEnumerator.Current => Current;

        public bool MoveNext()
        {
            if (_remaining == 0)
            {
                return false;
            }

            Current = (DataCategory)BitOperations.TrailingZeroCount(_remaining);
            _remaining &= _remaining - 1;
            return true;
        }

        public void Reset() => throw new NotSupportedException();

        public readonly void Dispose()
        {
        }
    }
}
