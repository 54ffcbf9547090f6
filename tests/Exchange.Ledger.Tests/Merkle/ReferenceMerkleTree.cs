using System.Security.Cryptography;

namespace Exchange.Ledger.Tests.Merkle;

/// <summary>
/// RFC 6962 §2.1 written as literally as the RFC states it, recursion and all, with its own hashing:
/// slow, obviously right, and independent of the production tree it checks.
/// </summary>
internal static class ReferenceMerkleTree
{
    public static byte[] LeafHash(byte[] data) => SHA256.HashData([0x00, .. data]);

    public static byte[] Mth(IReadOnlyList<byte[]> leaves, int start, int end)
    {
        var n = end - start;
        if (n == 0)
        {
            return SHA256.HashData([]);
        }

        if (n == 1)
        {
            return leaves[start];
        }

        var k = Split(n);
        return Node(Mth(leaves, start, start + k), Mth(leaves, start + k, end));
    }

    public static List<byte[]> Path(int m, IReadOnlyList<byte[]> leaves, int start, int end)
    {
        var n = end - start;
        if (n == 1)
        {
            return [];
        }

        var k = Split(n);
        return m < k
            ? [.. Path(m, leaves, start, start + k), Mth(leaves, start + k, end)]
            : [.. Path(m - k, leaves, start + k, end), Mth(leaves, start, start + k)];
    }

    public static List<byte[]> Proof(int m, IReadOnlyList<byte[]> leaves, int n) => SubProof(m, leaves, 0, n, true);

    private static List<byte[]> SubProof(int m, IReadOnlyList<byte[]> leaves, int start, int end, bool b)
    {
        var n = end - start;
        if (m == n)
        {
            return b ? [] : [Mth(leaves, start, end)];
        }

        var k = Split(n);
        return m <= k
            ? [.. SubProof(m, leaves, start, start + k, b), Mth(leaves, start + k, end)]
            : [.. SubProof(m - k, leaves, start + k, end, false), Mth(leaves, start, start + k)];
    }

    /// <summary>The largest power of two smaller than n.</summary>
    private static int Split(int n)
    {
        var k = 1;
        while (k * 2 < n)
        {
            k *= 2;
        }

        return k;
    }

    private static byte[] Node(byte[] left, byte[] right) => SHA256.HashData([0x01, .. left, .. right]);
}
