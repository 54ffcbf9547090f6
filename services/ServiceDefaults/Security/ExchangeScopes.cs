namespace Exchange.ServiceDefaults.Security;

/// <summary>
/// OAuth scopes, one per capability. A client is granted only those its role needs; partners
/// program against these strings, so never rename one.
/// </summary>
public static class ExchangeScopes
{
    public const string SignalsPublish = "exchange.signals.publish";
    public const string SignalsSubscribe = "exchange.signals.subscribe";
    public const string DisclosuresRequest = "exchange.disclosures.request";

    /// <summary>A holder's professionals approve or decline the requests the policy left to them.</summary>
    public const string DisclosuresDecide = "exchange.disclosures.decide";
    public const string Involvements = "exchange.involvements";
    public const string LedgerReview = "exchange.ledger.review";
    public const string RegistryAdmin = "exchange.registry.admin";

    /// <summary>An exchange service calling another's internal RPCs; its role and whom it acts for come with the client.</summary>
    public const string Internal = "exchange.internal";

    /// <summary>Every capability scope of the exchange API.</summary>
    public static readonly IReadOnlyList<string> All =
        [SignalsPublish, SignalsSubscribe, DisclosuresRequest, DisclosuresDecide, Involvements, LedgerReview, RegistryAdmin, Internal];

    /// <summary>What an organisational system of a partner needs, and no more.</summary>
    public static readonly IReadOnlyList<string> Partner =
        [SignalsPublish, SignalsSubscribe, DisclosuresRequest, DisclosuresDecide, Involvements];
}
