using System.Collections;
using System.Numerics;
using Exchange.Contracts.V1;
using Exchange.Policy.Engine.Bundle;

namespace Exchange.Policy.Engine.Evaluation;

/// <summary>A set of data categories, in category number order; a value, so reading a decision allocates nothing.</summary>
public readonly record struct CategorySet(uint Mask) : IEnumerable<DataCategory>
{
    public int Count => BitOperations.PopCount(Mask);

    public bool IsEmpty => Mask == 0;

    public bool Contains(DataCategory category) => (int)category is >= 0 and < 32 && (Mask & (1u << (int)category)) != 0;

    public Enumerator GetEnumerator() => new(Mask);

    IEnumerator<DataCategory> IEnumerable<DataCategory>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Join(", ", this.Select(Vocabularies.Categories.NameOf));

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
