namespace Exchange.Registry.Client.Administration;

/// <summary>
/// Who administers the registry: people of the exchange's operating organisation, each with an own client
/// (certificate, key, client id) that is granted <c>exchange.registry.admin</c> and nothing else. Four eyes
/// counts administrators by client id.
/// </summary>
public static class RegistryAdministrators
{
    /// <summary>The operating organisation; the CN of every administrator's certificate.</summary>
    public const string OrganisationId = "exchange-beheer";

    public const string OrganisationName = "Beheerorganisatie Need-to-Know Exchange";

    /// <summary>
    /// The identity service registers every system client with one of the four partner domains, and the
    /// token validators require one. The operating organisation has none; its clients carry this one only to be
    /// registrable. It grants nothing: administrators hold no partner scope, and their organisation is not a
    /// partner the gateway admits or the policy decides about.
    /// </summary>
    public const string PlaceholderDomain = "social-team";

    /// <summary>The client ids of the local exchange's two administrators (the launcher creates both, so four eyes can be tried).</summary>
    public static readonly IReadOnlyList<string> LocalClients = ["registry-admin-1", "registry-admin-2"];
}
