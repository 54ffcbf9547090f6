using System.Security.Cryptography;

namespace Exchange.Ledger.Merkle;

/// <summary>
/// RFC 6962 §2.1 hashing: leaves and interior nodes get distinct prefixes so that a leaf can
/// never be passed off as a node (second-preimage resistance of the tree).
/// </summary>
public static class MerkleHash
{
    public const int Size = 32;

    // One reusable SHA-256 context per thread: the one-shot API sets up a fresh native context per
    // call, which costs more than hashing 65 bytes. Proof verification is 20 such hashes at 1M leaves.
    [ThreadStatic]
    private static IncrementalHash? _sha256;

    private static IncrementalHash Sha256 => _sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>MTH({}) = SHA-256 of the empty string.</summary>
    public static byte[] EmptyRoot() => SHA256.HashData([]);

    public static byte[] Leaf(ReadOnlySpan<byte> data)
    {
        var result = new byte[Size];
        Leaf(data, result);
        return result;
    }

    public static void Leaf(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        var hash = Sha256;
        hash.AppendData([0x00]);
        hash.AppendData(data);
        hash.GetHashAndReset(destination);
    }

    public static byte[] Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var result = new byte[Size];
        Node(left, right, result);
        return result;
    }

    /// <summary>SHA-256(0x01 || left || right); <paramref name="destination"/> may alias either input.</summary>
    public static void Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        Span<byte> buffer = stackalloc byte[1 + (2 * Size)];
        buffer[0] = 0x01;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + Size)..]);
        var hash = Sha256;
        hash.AppendData(buffer);
        hash.GetHashAndReset(destination);
    }
}
