using System.Text.RegularExpressions;
using Exchange.Contracts.Registry.V1;
using Exchange.Contracts.V1;
using Exchange.ServiceDefaults.Security;

namespace Exchange.Registry.Client.Applications;

/// <summary>A field of an application that is wrong, by its path in <see cref="PartnerApplication"/> (e.g. <c>contacts[1].point.email</c>).</summary>
public sealed record ApplicationProblem(string Field, string Description);

/// <summary>
/// What makes a partner application acceptable, checked the same way by the CLI (before it sends a partner
/// file) and by the registry (before it stores one): every field present that must be, every string and list
/// within its bound. What needs the CA (certificate signatures and chains) only the registry can check.
/// </summary>
public static partial class ApplicationRules
{
    public const int MaxIdLength = 63;
    public const int MaxName = 200;
    public const int MaxRegion = 100;
    public const int MaxContacts = 10;
    public const int MaxTeam = 200;
    public const int MaxEmail = 254;
    public const int MaxTelephone = 40;
    public const int MaxPemBytes = 16 * 1024;
    public const int MaxEndpoint = 2048;
    public const int MaxAgreements = 50;
    public const int MaxParties = 100;
    public const int MaxReason = 1000;

    /// <summary>An organisation or covenant id: lower-case letters, digits and '-', as a DNS label (it becomes a certificate CN).</summary>
    public static bool IsId(string? value) => value is { Length: > 0 and <= MaxIdLength } && IdPattern().IsMatch(value);

    /// <summary>An OIN (Organisatie-identificatienummer, Logius): 20 digits.</summary>
    public static bool IsOin(string? value) => value is { Length: 20 } && value.All(char.IsAsciiDigit);

    public static bool IsEmail(string? value) => value is { Length: > 0 and <= MaxEmail } && EmailPattern().IsMatch(value);

    public static IReadOnlyList<ApplicationProblem> Check(PartnerApplication application, bool requireCertificate = true)
    {
        var problems = new List<ApplicationProblem>();
        void Require(bool condition, string field, string description)
        {
            if (!condition)
            {
                problems.Add(new ApplicationProblem(field, description));
            }
        }

        Require(IsId(application.Id), "id", $"an id of lower-case letters, digits and '-' (at most {MaxIdLength}), e.g. vt-zeeland");
        Require(IsOin(application.Oin), "oin", "the organisation's OIN: 20 digits");
        Require(application.Name.Trim().Length is > 0 and <= MaxName, "name", $"the organisation's name, at most {MaxName} characters");
        Require(application.Domain != Domain.Unspecified, "domain", $"one of {DomainNames.Listed}");
        Require(application.Region.Trim().Length is > 0 and <= MaxRegion, "region", $"the region, at most {MaxRegion} characters");
        CheckContacts(application, Require);
        CheckCertificate(application, requireCertificate, Require);
        CheckNode(application, Require);
        CheckAgreements(application, Require);
        return problems;
    }

    private static void CheckContacts(PartnerApplication application, Action<bool, string, string> require)
    {
        require(application.Contacts.Count <= MaxContacts, "contacts", $"at most {MaxContacts} contacts");
        require(application.Contacts.Any(c => c.Role == ContactRole.Technical), "contacts", "a technical contact is required: it is told the outcome of the application");
        require(application.Contacts.Any(c => c.Role == ContactRole.PrivacyOfficer), "contacts", "the privacy officer (functionaris gegevensbescherming) is required");
        for (var i = 0; i < Math.Min(application.Contacts.Count, MaxContacts); i++)
        {
            var contact = application.Contacts[i];
            var field = $"contacts[{i}]";
            require(contact.Role != ContactRole.Unspecified, field + ".role", "one of technical, privacy-officer, cases, security");
            var point = contact.Point ?? new ContactPoint();
            require(point.Team.Trim().Length is > 0 and <= MaxTeam, field + ".point.team", $"the team or function, at most {MaxTeam} characters");
            require(IsEmail(point.Email), field + ".point.email", "an e-mail address of the team or function");
            require(point.Telephone.Length == 0 || (point.Telephone.Length <= MaxTelephone && TelephonePattern().IsMatch(point.Telephone)),
                field + ".point.telephone", "digits, spaces, '+', '-' and parentheses, at most 40");
        }
    }

    private static void CheckCertificate(PartnerApplication application, bool requireCertificate, Action<bool, string, string> require)
    {
        var request = application.CertificateRequestPem.Length > 0;
        var certificate = application.CertificatePem.Length > 0;
        require(!(request && certificate), "certificate_pem", "give a certificate request or a certificate, not both");
        require(!requireCertificate || request || certificate, "certificate_request_pem", "a certificate request (CSR) for the exchange CA to sign, or a certificate it issued, is required");
        require(application.CertificateRequestPem.Length <= MaxPemBytes, "certificate_request_pem", $"at most {MaxPemBytes} bytes");
        require(application.CertificatePem.Length <= MaxPemBytes, "certificate_pem", $"at most {MaxPemBytes} bytes");
    }

    private static void CheckNode(PartnerApplication application, Action<bool, string, string> require)
    {
        switch (application.Hosting)
        {
            case NodeHosting.Shared:
                require(application.Endpoint.Length == 0, "endpoint", "a partner on the exchange's shared node has no endpoint of its own");
                require(application.ServerCertificatePem.Length == 0, "server_certificate_pem", "a partner on the exchange's shared node has no server certificate of its own");
                break;
            case NodeHosting.Partner:
                require(IsNodeEndpoint(application.Endpoint), "endpoint", $"the node's https URL (scheme, host and port; at most {MaxEndpoint} characters)");
                require(application.ServerCertificatePem.Length is > 0 and <= MaxPemBytes, "server_certificate_pem",
                    "the node's server certificate (PEM, issued by the exchange CA) is required for a partner-hosted node");
                break;
            default:
                require(false, "hosting", "shared (the exchange's node) or partner (the partner's own node)");
                break;
        }
    }

    private static void CheckAgreements(PartnerApplication application, Action<bool, string, string> require)
    {
        require(application.Agreements.Count <= MaxAgreements, "agreements", $"at most {MaxAgreements} agreements");
        var covenants = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Math.Min(application.Agreements.Count, MaxAgreements); i++)
        {
            var agreement = application.Agreements[i];
            var field = $"agreements[{i}]";
            require(IsId(agreement.CovenantId), field + ".covenant_id", "the covenant's id: lower-case letters, digits and '-'");
            require(covenants.Add(agreement.CovenantId), field + ".covenant_id", "each covenant once");
            require(agreement.Name.Trim().Length is > 0 and <= MaxName, field + ".name", $"the covenant's name, at most {MaxName} characters");
            require(agreement.PartyIds.Count is > 0 and <= MaxParties, field + ".party_ids", $"the partners that signed it (1 to {MaxParties})");
            for (var p = 0; p < Math.Min(agreement.PartyIds.Count, MaxParties); p++)
            {
                require(IsId(agreement.PartyIds[p]), $"{field}.party_ids[{p}]", "a partner id");
            }

            require(agreement.PartyIds.Distinct(StringComparer.Ordinal).Count() == agreement.PartyIds.Count, field + ".party_ids", "each party once");
            require(agreement.PartyIds.Contains(application.Id), field + ".party_ids", "the applicant itself must be one of the parties");
            require(agreement.ValidFrom is not null, field + ".valid_from", "the day the covenant starts");
            require(agreement.ValidTo is null || agreement.ValidFrom is null || agreement.ValidTo.ToDateTimeOffset() > agreement.ValidFrom.ToDateTimeOffset(),
                field + ".valid_to", "after valid_from (or left out: until further notice)");
        }
    }

    private static bool IsNodeEndpoint(string endpoint) =>
        endpoint.Length is > 0 and <= MaxEndpoint
        && Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
        && uri.Scheme == Uri.UriSchemeHttps
        && uri.Host.Length > 0
        && string.IsNullOrEmpty(uri.UserInfo)
        && uri.AbsolutePath == "/"
        && uri.Query.Length == 0;

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^[0-9+()\- ]+$", RegexOptions.CultureInvariant)]
    private static partial Regex TelephonePattern();
}
