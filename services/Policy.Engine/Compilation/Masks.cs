using System.Numerics;
using System.Runtime.CompilerServices;
using Exchange.Contracts.V1;
using Exchange.Policy.Engine.Bundle;

namespace Exchange.Policy.Engine.Compilation;

/// <summary>
/// Sets of small enums as bits of a uint (bit n for the value numbered n): what the compiled tables store and
/// what evaluation combines, so that a decision is a handful of AND and OR operations.
/// </summary>
internal static class Masks
{
    public static uint Of<TEnum>(IEnumerable<TEnum> values)
        where TEnum : struct, Enum =>
        values.Aggregate(0u, (mask, v) => mask | Bit(Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>An empty list means any value of the vocabulary.</summary>
    public static uint OfOrAll<TEnum>(IReadOnlyList<TEnum> values, Vocabulary<TEnum> vocabulary)
        where TEnum : struct, Enum =>
        values.Count == 0 ? Of(vocabulary.Values) : Of(values);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Bit(int number) => number is >= 0 and < 32 ? 1u << number : 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Contains(uint mask, int number) => (mask & Bit(number)) != 0;

    public static IEnumerable<int> Numbers(uint mask)
    {
        while (mask != 0)
        {
            var n = BitOperations.TrailingZeroCount(mask);
            yield return n;
            mask &= mask - 1;
        }
    }

    public static IEnumerable<DataCategory> Categories(uint mask) => Numbers(mask).Select(n => (DataCategory)n);

    public static string CategoryNames(uint mask) => string.Join(", ", Categories(mask).Select(Vocabularies.Categories.NameOf));
}
