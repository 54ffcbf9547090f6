using Exchange.Conformance.Running;
using Exchange.Contracts.Registry.V1;

namespace Exchange.Registry.Registrations;

/// <summary>A rule an administrator's approval must meet, with a stable id.</summary>
public interface IApprovalRule
{
    string Id { get; }

    /// <summary>Null when <paramref name="administrator"/> may approve <paramref name="partner"/> as it stands.</summary>
    RegistryRefusal? Check(Partner partner, string administrator);
}

/// <summary>Four eyes: the two approvals that put a partner on the exchange come from two different administrators.</summary>
public sealed class FourEyesRule : IApprovalRule
{
    public string Id => "four-eyes";

    public RegistryRefusal? Check(Partner partner, string administrator) =>
        partner.Approvals.Any(a => string.Equals(a.Administrator, administrator, StringComparison.Ordinal))
            ? new RegistryRefusal(RegistryReasonCodes.FourEyes, RefusalKind.FailedPrecondition,
                $"You already approved {partner.Id}; another registry administrator must give the second approval.")
            : null;
}

/// <summary>
/// A partner-hosted node is approved only on a passing conformance report about the endpoint and server
/// certificate it applied with, made after it applied: a report about another node, or an older one, does not count.
/// </summary>
public sealed class ConformanceRule : IApprovalRule
{
    public string Id => "conformance";

    public RegistryRefusal? Check(Partner partner, string administrator)
    {
        if (partner.Node?.Hosting != NodeHosting.Partner)
        {
            return null;
        }

        var report = partner.Conformance;
        var problem = report switch
        {
            null => "no conformance report has been recorded",
            _ when !SameEndpoint(report.Endpoint, partner.Node.Endpoint) => $"the latest report is about {report.Endpoint}, not {partner.Node.Endpoint}",
            _ when !string.Equals(report.ServerCertificateSha256, partner.Node.ServerCertificate?.Sha256Thumbprint, StringComparison.Ordinal) =>
                "the latest report was made against another server certificate than the registered one",
            _ when partner.AppliedAt is not null && report.RanAt.ToDateTimeOffset() < partner.AppliedAt.ToDateTimeOffset() => "the latest report is older than the current application",
            _ when !Passes(report) => $"the latest report did not pass ({Summary(report)})",
            _ => null,
        };
        return problem is null
            ? null
            : new RegistryRefusal(RegistryReasonCodes.ConformanceRequired, RefusalKind.FailedPrecondition,
                $"{partner.Id} runs its own node and needs a passing conformance report before approval: {problem}. Run `exchange partner check {partner.Id}`.");
    }

    /// <summary>The kit's own rule (<see cref="ConformanceVerdict"/>): the registry does not take the caller's word for it.</summary>
    public static bool Passes(ConformanceReport report) => ConformanceVerdict.Passes(report);

    private static bool SameEndpoint(string reported, string registered) =>
        Uri.TryCreate(reported, UriKind.Absolute, out var a) && Uri.TryCreate(registered, UriKind.Absolute, out var b)
        && string.Equals(ConformanceVerdict.EndpointOf(a), ConformanceVerdict.EndpointOf(b), StringComparison.OrdinalIgnoreCase);

    private static string Summary(ConformanceReport report)
    {
        var blocking = ConformanceVerdict.Blocking(report).ToList();
        return blocking.Count == 0 ? "no checks" : string.Join(", ", blocking);
    }
}

/// <summary>Which change each registration state allows.</summary>
public static class Transitions
{
    private static readonly Dictionary<PartnerAction, RegistrationState[]> From = new()
    {
        [PartnerAction.ApprovalRecorded] = [RegistrationState.Pending, RegistrationState.Suspended],
        [PartnerAction.Rejected] = [RegistrationState.Pending],
        [PartnerAction.Suspended] = [RegistrationState.Approved],
        [PartnerAction.Revoked] = [RegistrationState.Approved, RegistrationState.Suspended],
        [PartnerAction.ConformanceRecorded] = [RegistrationState.Pending, RegistrationState.Approved, RegistrationState.Suspended],
    };

    public static RegistryRefusal? Check(Partner partner, PartnerAction action, string verb) =>
        From[action].Contains(partner.State)
            ? null
            : new RegistryRefusal(RegistryReasonCodes.StateDoesNotAllow, RefusalKind.FailedPrecondition,
                $"{partner.Id} is {Name(partner.State)}: it cannot be {verb} (only when {string.Join(" or ", From[action].Select(Name))}).");

    public static string Name(RegistrationState state) => state switch
    {
        RegistrationState.Pending => "pending",
        RegistrationState.Approved => "approved",
        RegistrationState.Rejected => "rejected",
        RegistrationState.Suspended => "suspended",
        RegistrationState.Revoked => "revoked",
        _ => "unknown",
    };
}
