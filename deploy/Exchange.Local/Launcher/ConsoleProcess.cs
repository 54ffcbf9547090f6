using System.Globalization;
using Exchange.Ledger.Checkpoints;

namespace Exchange.Local.Launcher;

/// <summary>
/// The privacy officers' console: HTTPS for browsers (a server certificate of the development CA), the
/// officers' login at the identity service, the ledger's officers' service on the policy service (the
/// internal network), the ledger's verifier key to check proofs with, the policy bundle for the law's text,
/// and the partners' names.
/// </summary>
public static class ConsoleProcess
{
    public const string Name = "console";

    public static Uri Url(LocalLayout layout) => layout.Url("https", 6);

    public static ServiceSpec Spec(LocalLayout layout, IReadOnlyList<PartnerFile> partners, string ledgerSigningKeyPath, string ledgerOrigin)
    {
        // The ledger creates this key on its first start; creating it here first gives the console the
        // public half to trust, instead of trusting whatever key the ledger later presents.
        using var signer = NoteSigner.LoadOrCreate(ledgerSigningKeyPath, ledgerOrigin);
        var environment = new Dictionary<string, string>
        {
            ["Logging__Console__FormatterName"] = "simple",
            ["Endpoint__Url"] = Url(layout).ToString(),
            ["Endpoint__CertificatePath"] = layout.ServerCertificate(Name),
            ["Endpoint__KeyPath"] = layout.ServerKey(Name),
            ["Console__Issuer"] = ServicePlan.Identity(layout).ToString(),
            ["Console__IssuerCaPath"] = layout.CaCertificate,
            ["Console__LedgerAddress"] = ServicePlan.Policy(layout).ToString(),
            ["Console__LedgerVerifierKey"] = signer.VerifierKey,
            ["Console__PolicyBundleDirectory"] = layout.PolicyBundle,
            ["Console__KeysDirectory"] = Path.Combine(layout.Secrets, "console-keys"),
            ["Telemetry__TraceFile"] = Path.Combine(layout.Logs, Name + ".traces.jsonl"),
        };
        for (var i = 0; i < partners.Count; i++)
        {
            var prefix = $"Console__Organisations__{i.ToString(CultureInfo.InvariantCulture)}__";
            environment[prefix + "Id"] = partners[i].Id;
            environment[prefix + "Name"] = partners[i].Name;
        }

        return new ServiceSpec(Name, "services/Console", "Exchange.Console", Url(layout), environment);
    }
}
