using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Exchange.Pki;

/// <summary>
/// A certificate revocation list that has been checked: signed by the exchange CA, issued by it, and not
/// past its next update. .NET can build a CRL but offers no way to read one back offline, so the few
/// fields that matter are read here (RFC 5280 §5.1).
/// </summary>
public sealed class RevocationList
{
    private const string EcdsaWithSha256 = "1.2.840.10045.4.3.2";
    private const string Sha256WithRsa = "1.2.840.113549.1.1.11";

    private readonly HashSet<BigInteger> _revoked;

    private RevocationList(HashSet<BigInteger> revoked, DateTimeOffset thisUpdate, DateTimeOffset? nextUpdate)
    {
        _revoked = revoked;
        ThisUpdate = thisUpdate;
        NextUpdate = nextUpdate;
    }

    public DateTimeOffset ThisUpdate { get; }

    public DateTimeOffset? NextUpdate { get; }

    public int Count => _revoked.Count;

    public bool IsRevoked(X509Certificate2 certificate) =>
        _revoked.Contains(new BigInteger(certificate.SerialNumberBytes.Span, isUnsigned: true, isBigEndian: true));

    /// <summary>Reads a PEM or DER file; see <see cref="Verify(ReadOnlyMemory{byte}, X509Certificate2, DateTimeOffset)"/>.</summary>
    public static RevocationList Load(string path, X509Certificate2 issuer, DateTimeOffset now)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length > 0 && bytes[0] == (byte)'-')
        {
            var pem = PemEncoding.Find(System.Text.Encoding.ASCII.GetString(bytes));
            bytes = Convert.FromBase64String(System.Text.Encoding.ASCII.GetString(bytes)[pem.Base64Data]);
        }

        return Verify(bytes, issuer, now);
    }

    /// <summary>
    /// Parses a DER CRL and checks that <paramref name="issuer"/> signed it and that it is current.
    /// Throws <see cref="CryptographicException"/> otherwise: a list that cannot be trusted must not be
    /// mistaken for an empty one.
    /// </summary>
    public static RevocationList Verify(ReadOnlyMemory<byte> der, X509Certificate2 issuer, DateTimeOffset now)
    {
        try
        {
            var outer = new AsnReader(der, AsnEncodingRules.DER);
            var certificateList = outer.ReadSequence();
            outer.ThrowIfNotEmpty();

            var tbsBytes = certificateList.PeekEncodedValue();
            var tbs = certificateList.ReadSequence();
            var signatureAlgorithm = ReadAlgorithm(certificateList);
            var signature = certificateList.ReadBitString(out _);
            certificateList.ThrowIfNotEmpty();

            if (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
            {
                tbs.ReadInteger();
            }

            if (ReadAlgorithm(tbs) != signatureAlgorithm)
            {
                throw new CryptographicException("The CRL's inner and outer signature algorithms differ.");
            }

            var issuerName = tbs.ReadEncodedValue();
            if (!issuerName.Span.SequenceEqual(issuer.SubjectName.RawData))
            {
                throw new CryptographicException("The CRL was not issued by the exchange CA.");
            }

            var thisUpdate = ReadTime(tbs);
            DateTimeOffset? nextUpdate = null;
            if (tbs.HasData && (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) || tbs.PeekTag().HasSameClassAndValue(Asn1Tag.GeneralizedTime)))
            {
                nextUpdate = ReadTime(tbs);
            }

            var revoked = new HashSet<BigInteger>();
            if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
            {
                var entries = tbs.ReadSequence();
                while (entries.HasData)
                {
                    var entry = entries.ReadSequence();
                    revoked.Add(new BigInteger(entry.ReadIntegerBytes().Span, isUnsigned: true, isBigEndian: true));
                }
            }

            if (!VerifySignature(issuer, signatureAlgorithm, tbsBytes.Span, signature))
            {
                throw new CryptographicException("The CRL's signature does not verify with the exchange CA's key.");
            }

            if (nextUpdate is null || nextUpdate < now)
            {
                throw new CryptographicException("The CRL is past its next update; issue a new one (exchange pki crl).");
            }

            return new RevocationList(revoked, thisUpdate, nextUpdate);
        }
        catch (AsnContentException exception)
        {
            throw new CryptographicException("The CRL is not valid DER.", exception);
        }
    }

    private static string ReadAlgorithm(AsnReader reader)
    {
        var algorithm = reader.ReadSequence();
        return algorithm.ReadObjectIdentifier();
    }

    private static DateTimeOffset ReadTime(AsnReader reader) =>
        reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) ? reader.ReadUtcTime() : reader.ReadGeneralizedTime();

    private static bool VerifySignature(X509Certificate2 issuer, string algorithm, ReadOnlySpan<byte> tbs, ReadOnlySpan<byte> signature)
    {
        switch (algorithm)
        {
            case EcdsaWithSha256:
            {
                using var key = issuer.GetECDsaPublicKey() ?? throw new CryptographicException("The CA key is not ECDSA.");
                return key.VerifyData(tbs, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            }

            case Sha256WithRsa:
            {
                using var key = issuer.GetRSAPublicKey() ?? throw new CryptographicException("The CA key is not RSA.");
                return key.VerifyData(tbs, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            }

            default:
                throw new CryptographicException($"Unsupported CRL signature algorithm {algorithm}.");
        }
    }
}
