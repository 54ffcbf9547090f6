namespace Exchange.ServiceDefaults.Identity;

/// <summary>
/// How organisation ids are spelled everywhere (certificates, tokens, partner files, "exchange-holder"): lower-case
/// letters, digits and '-', starting with a letter or digit, at most 63 characters. One spelling, compared exactly,
/// so that the gateway and the services can never disagree about whose data a call is about.
/// </summary>
public static class OrganisationIds
{
    public const int MaxLength = 63;

    public const string Format = "an organisation id: lower-case letters, digits and '-', at most 63 characters";

    public static bool IsWellFormed(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxLength || id[0] == '-')
        {
            return false;
        }

        foreach (var c in id)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
