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

        .. TypedPublish("police.v1.PoliceSignals", Domain.Police, "PublishIncident", "PublishRestrainingOrder", "PublishAlarmDevice", "PublishRiskAssessment"),
        .. TypedPublish("veiligthuis.v1.VeiligThuisSignals", Domain.VeiligThuis,
            "PublishReportReceived", "PublishSafetyAssessment", "PublishCaseStatus", "PublishHandoverToCare", "PublishShelterStay"),
        .. TypedPublish("childprotection.v1.ChildProtectionSignals", Domain.ChildProtection,
            "PublishInvestigationStarted", "PublishMeasure", "PublishCourtHearing", "PublishSafetyAssessment"),
        .. TypedPublish("socialteam.v1.SocialTeamSignals", Domain.SocialTeam,
            "PublishSupportPlan", "PublishStrengthsAndNetwork", "PublishSupportStarted", "PublishSafetyAssessment"),

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

        Partner("registry.v1.RegistryService", "ListPartners", ExchangeScopes.RegistryAdmin),
        Partner("registry.v1.RegistryService", "GetPartner", ExchangeScopes.RegistryAdmin),
        Partner("registry.v1.RegistryService", "RegisterPartner", ExchangeScopes.RegistryAdmin),
        Partner("registry.v1.RegistryService", "ApprovePartner", ExchangeScopes.RegistryAdmin),
        Partner("registry.v1.RegistryService", "RejectPartner", ExchangeScopes.RegistryAdmin),
        Partner("registry.v1.RegistryService", "SuspendPartner", ExchangeScopes.RegistryAdmin),
        Partner("registry.v1.RegistryService", "RevokePartner", ExchangeScopes.RegistryAdmin),
        Partner("registry.v1.RegistryService", "RecordConformanceReport", ExchangeScopes.RegistryAdmin),
        Partner("registry.v1.RegistryService", "ListPartnerChanges", ExchangeScopes.RegistryAdmin),
        // The services that follow the registry (gateway, policy, index, identity) watch its snapshots.
        new("registry.v1.RegistryService", "WatchPartners", RpcExposure.Internal, Streaming: true),

        // Between exchange services only: routing and facts at the index, delivery into an inbox.
        Internal("index.v1.RoutingService", "FindRecipients"),
        Internal("index.v1.RoutingService", "GetFacts"),
        Internal("index.v1.RoutingService", "RecordSignalFacts"),
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

    private static RpcRule Partner(string service, string method, string scope, Domain? domain = null, HolderRule holder = HolderRule.Any, bool streaming = false) =>
        new(service, method, RpcExposure.Partner, scope, domain, holder, streaming);

    private static RpcRule Internal(string service, string method) => new(service, method, RpcExposure.Internal);

    /// <summary>A domain's typed publishing: only that domain's organisations, only as themselves.</summary>
    private static IEnumerable<RpcRule> TypedPublish(string service, Domain domain, params string[] methods) =>
        methods.Select(m => Partner(service, m, ExchangeScopes.SignalsPublish, domain, HolderRule.Caller));
}
