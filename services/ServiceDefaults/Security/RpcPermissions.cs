using System.Collections.Frozen;
using Exchange.Contracts.V1;

namespace Exchange.ServiceDefaults.Security;

/// <summary>
/// The one table of who may call what: the gateway authorizes every call with it, and every service
/// authorizes the same call again with it (defence in depth). An RPC that is not in the table is
/// refused everywhere; a test fails when a contract gains an RPC the table does not name.
/// </summary>
public static class RpcPermissions
{
    private const string Health = "grpc.health.v1.Health";

    private static readonly string[] InternalServices =
    [
        "grpc.reflection.v1alpha.ServerReflection",
        "grpc.reflection.v1.ServerReflection",
    ];

    public static IReadOnlyList<RpcRule> Rules { get; } =
    [
        Partner("exchange.v1.Disclosures", "Request", ExchangeScopes.DisclosuresRequest),
        // The index pulls each holder's assessment on the caller's behalf: a disclosure request per holder.
        Partner("exchange.v1.Assessments", "ListSafetyAssessments", ExchangeScopes.DisclosuresRequest),

        Partner("exchange.v1.Signals", "Publish", ExchangeScopes.SignalsPublish, holder: HolderRule.Caller),
        Partner("exchange.v1.Signals", "Subscribe", ExchangeScopes.SignalsSubscribe, holder: HolderRule.Caller, streaming: true),
        Partner("exchange.v1.Signals", "Acknowledge", ExchangeScopes.SignalsSubscribe, holder: HolderRule.Caller),

        .. TypedPublish("police.v1.PoliceSignals", [Domain.Police], "PublishIncident", "PublishRestrainingOrder", "PublishAlarmDevice", "PublishRiskAssessment"),
        .. TypedPublish("veiligthuis.v1.VeiligThuisSignals", [Domain.VeiligThuis],
            "PublishReportReceived", "PublishSafetyAssessment", "PublishCaseStatus", "PublishHandoverToCare", "PublishShelterStay"),
        // The child-protection service serves the Raad and the certified youth-protection bodies (GI) alike.
        .. TypedPublish("childprotection.v1.ChildProtectionSignals", [Domain.ChildProtection, Domain.YouthProtection],
            "PublishInvestigationStarted", "PublishMeasure", "PublishCourtHearing", "PublishSafetyAssessment"),
        .. TypedPublish("socialteam.v1.SocialTeamSignals", [Domain.SocialTeam],
            "PublishSupportPlan", "PublishStrengthsAndNetwork", "PublishSupportStarted", "PublishSafetyAssessment"),

        // A holder's professionals weigh the requests the policy left to them: only the holder's own.
        Partner("exchange.v1.HolderDecisions", "ListPending", ExchangeScopes.DisclosuresDecide, holder: HolderRule.Caller),
        Partner("exchange.v1.HolderDecisions", "Approve", ExchangeScopes.DisclosuresDecide, holder: HolderRule.Caller),
        Partner("exchange.v1.HolderDecisions", "Decline", ExchangeScopes.DisclosuresDecide, holder: HolderRule.Caller),

        Partner("exchange.v1.Involvements", "Register", ExchangeScopes.Involvements),
        Partner("exchange.v1.Involvements", "End", ExchangeScopes.Involvements),
        Partner("exchange.v1.Involvements", "Lookup", ExchangeScopes.Involvements),
        Partner("exchange.v1.Pseudonyms", "Resolve", ExchangeScopes.Involvements),

        Internal("ledger.v1.LedgerService", "Append"),
        Partner("ledger.v1.LedgerService", "Query", ExchangeScopes.LedgerReview),
        Partner("ledger.v1.LedgerService", "ReadEntries", ExchangeScopes.LedgerReview),
        Partner("ledger.v1.LedgerService", "GetCheckpoint", ExchangeScopes.LedgerReview),
        Partner("ledger.v1.LedgerService", "ProveInclusion", ExchangeScopes.LedgerReview),
        Partner("ledger.v1.LedgerService", "ProveConsistency", ExchangeScopes.LedgerReview),
        // The privacy officers' console, on the internal network: never routed by the gateway; the ledger
        // validates the officer's own token (audience exchange-console) on every call itself.
        .. Officers("Search", "GetEntry", "Summarize", "DetectSignals", "ReviewBreakGlass", "MarkReviewed", "ReviewSignal",
            "WithholdRecipients", "ListCheckpoints", "StartVerification", "GetVerification"),

        Partner("registry.v1.RegistryService", "ListPartners", ExchangeScopes.RegistryAdmin),
        Partner("registry.v1.RegistryService", "GetPartner", ExchangeScopes.RegistryAdmin),
        Partner("registry.v1.RegistryService", "RegisterPartner", ExchangeScopes.RegistryAdmin),
        Partner("registry.v1.RegistryService", "ListAgreements", ExchangeScopes.RegistryAdmin),
        // The gateway itself reads its routes from the registry; partners have no use for them.
        Internal("registry.v1.RegistryService", "ListRoutes"),

        // Between exchange services only: routing and facts at the index, delivery into an inbox.
        Internal("index.v1.RoutingService", "FindRecipients"),
        Internal("index.v1.RoutingService", "GetFacts"),
        Internal("index.v1.RoutingService", "RecordSignalFacts"),
        Internal("index.v1.RoutingService", "LocateInbox"),
        Internal("node.v1.InboxService", "Deliver"),

        Internal("policy.v1.PolicyService", "Decide"),
        Internal("policy.v1.PolicyService", "Explain"),
        Internal("policy.v1.PolicyService", "GetActiveBundle"),
    ];

    private static readonly FrozenDictionary<string, RpcRule> ByPath = Rules.ToFrozenDictionary(r => r.Path, StringComparer.Ordinal);

    /// <summary>The rule for a call path, or null: an unknown RPC is refused.</summary>
    public static RpcRule? Find(string path)
    {
        if (ByPath.TryGetValue(path, out var rule))
        {
            return rule;
        }

        var service = ServiceOf(path);
        if (service == Health)
        {
            return new RpcRule(Health, MethodOf(path), RpcExposure.Operational);
        }

        return InternalServices.Contains(service, StringComparer.Ordinal) ? new RpcRule(service, MethodOf(path), RpcExposure.Internal) : null;
    }

    /// <summary>"exchange.v1.Signals" of "/exchange.v1.Signals/Publish".</summary>
    public static string ServiceOf(string path)
    {
        var trimmed = path.TrimStart('/');
        var slash = trimmed.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? trimmed : trimmed[..slash];
    }

    private static string MethodOf(string path) => path[(path.LastIndexOf('/') + 1)..];

    private static RpcRule Partner(string service, string method, string scope, IReadOnlyList<Domain>? domains = null, HolderRule holder = HolderRule.Any, bool streaming = false) =>
        new(service, method, RpcExposure.Partner, scope, domains, holder, streaming);

    private static RpcRule Internal(string service, string method) => new(service, method, RpcExposure.Internal);

    private static IEnumerable<RpcRule> Officers(params string[] methods) => methods.Select(m => Internal("ledger.v1.OfficerService", m));

    /// <summary>A domain service's typed publishing: only the organisations it serves, only as themselves.</summary>
    private static IEnumerable<RpcRule> TypedPublish(string service, Domain[] domains, params string[] methods) =>
        methods.Select(m => Partner(service, m, ExchangeScopes.SignalsPublish, domains, HolderRule.Caller));
}
