namespace Exchange.Pki;

/// <summary>A revoked certificate: its serial number (hex, as X.509 writes it) and when it was revoked.</summary>
public sealed record RevokedCertificate(string SerialNumber, DateTimeOffset RevokedAt, string Subject);
