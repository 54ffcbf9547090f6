using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Exchange.Policy.Engine.Bundle;

/// <summary>
/// The content hash every decision carries: hex SHA-256 over the bundle's files in ordinal order of relative
/// path, each framed as "path\nlength\n" then its bytes, so that neither the directory a bundle lives in nor
/// the order a file system lists it in changes the hash, and no two different bundles frame to the same bytes.
/// </summary>
public static class BundleHasher
{
    public static string Hash(IEnumerable<BundleFile> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{file.Path}\n{file.Content.Length}\n")));
            hash.AppendData(file.Content.Span);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
