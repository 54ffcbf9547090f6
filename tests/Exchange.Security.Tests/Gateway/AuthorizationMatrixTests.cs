using Exchange.Security.Tests.Support;
using Exchange.ServiceDefaults.Errors;
using Exchange.Testing;
using Grpc.Core;

namespace Exchange.Security.Tests.Gateway;

/// <summary>
/// Every demo partner (and Veilig Thuis's privacy officers' system) against every RPC of every contract,
/// through the gateway with real certificates and real tokens. The expectations are written out here as
/// data, independently of the rule table in the code, so that a change to who may do what shows up as a
/// failing row.
/// </summary>
[Collection(SecuredExchangeCollection.Name)]
public sealed class AuthorizationMatrixTests(SecuredExchange exchange)
{
    /// <summary>The callers, in the column order of <see cref="Matrix"/>.</summary>
    private static readonly string[] Callers = ["politie-zwb", "vt-mwb", "rvdk-zuidwest", "swt-tilburg", SecuredExchange.PrivacyOfficerClient];

    // A = allowed: the call passes the gateway and reaches the service, whose own checks let it through too.
    // S = PermissionDenied SCOPE_MISSING, D = PermissionDenied DOMAIN_NOT_ALLOWED,
    // H = PermissionDenied HOLDER_NOT_CALLER, X = PermissionDenied RPC_NOT_EXPOSED (internal or unknown).
    // Holder: "other" names another partner in exchange-holder, "" names none (the caller's own service).
    private static readonly (string Rpc, string Holder, string Expected)[] Matrix =
    [
        //                                                                  police vt rvdk swt vt-fg
        ("/exchange.v1.Disclosures/Request", "other",                        "A A A A S"),
        ("/exchange.v1.Assessments/ListSafetyAssessments", "",               "A A A A S"),
        ("/exchange.v1.Signals/Publish", "",                                 "A A A A S"),
        ("/exchange.v1.Signals/Publish", "other",                            "H H H H S"),
        ("/exchange.v1.Signals/Subscribe", "",                               "A A A A S"),
        ("/exchange.v1.Signals/Subscribe", "other",                          "H H H H S"),
        ("/exchange.v1.Signals/Acknowledge", "",                             "A A A A S"),
        ("/exchange.v1.Signals/Acknowledge", "other",                        "H H H H S"),
        ("/police.v1.PoliceSignals/PublishIncident", "",                     "A D D D S"),
        ("/police.v1.PoliceSignals/PublishRestrainingOrder", "",             "A D D D S"),
        ("/police.v1.PoliceSignals/PublishAlarmDevice", "",                  "A D D D S"),
        ("/police.v1.PoliceSignals/PublishRiskAssessment", "",               "A D D D S"),
        ("/veiligthuis.v1.VeiligThuisSignals/PublishReportReceived", "",     "D A D D S"),
        ("/veiligthuis.v1.VeiligThuisSignals/PublishSafetyAssessment", "",   "D A D D S"),
        ("/veiligthuis.v1.VeiligThuisSignals/PublishCaseStatus", "",         "D A D D S"),
        ("/veiligthuis.v1.VeiligThuisSignals/PublishHandoverToCare", "",     "D A D D S"),
        ("/veiligthuis.v1.VeiligThuisSignals/PublishShelterStay", "",        "D A D D S"),
        ("/childprotection.v1.ChildProtectionSignals/PublishInvestigationStarted", "", "D D A D S"),
        ("/childprotection.v1.ChildProtectionSignals/PublishMeasure", "",    "D D A D S"),
        ("/childprotection.v1.ChildProtectionSignals/PublishCourtHearing", "", "D D A D S"),
        ("/childprotection.v1.ChildProtectionSignals/PublishSafetyAssessment", "", "D D A D S"),
        ("/socialteam.v1.SocialTeamSignals/PublishSupportPlan", "",          "D D D A S"),
        ("/socialteam.v1.SocialTeamSignals/PublishStrengthsAndNetwork", "",  "D D D A S"),
        ("/socialteam.v1.SocialTeamSignals/PublishSupportStarted", "",       "D D D A S"),
        ("/socialteam.v1.SocialTeamSignals/PublishSafetyAssessment", "",     "D D D A S"),
        ("/police.v1.PoliceSignals/PublishIncident", "other",                "H D D D S"),
        ("/exchange.v1.HolderDecisions/ListPending", "",                     "A A A A S"),
        ("/exchange.v1.HolderDecisions/Approve", "",                         "A A A A S"),
        ("/exchange.v1.HolderDecisions/Decline", "",                         "A A A A S"),
        ("/exchange.v1.HolderDecisions/Approve", "other",                    "H H H H S"),
        ("/exchange.v1.Involvements/Register", "",                           "A A A A S"),
        ("/exchange.v1.Involvements/End", "",                                "A A A A S"),
        ("/exchange.v1.Involvements/Lookup", "",                             "A A A A S"),
        ("/exchange.v1.Pseudonyms/Resolve", "",                              "A A A A S"),
        ("/ledger.v1.LedgerService/Query", "",                               "S S S S A"),
        ("/ledger.v1.LedgerService/ReadEntries", "",                         "S S S S A"),
        ("/ledger.v1.LedgerService/GetCheckpoint", "",                       "S S S S A"),
        ("/ledger.v1.LedgerService/ProveInclusion", "",                      "S S S S A"),
        ("/ledger.v1.LedgerService/ProveConsistency", "",                    "S S S S A"),
        ("/ledger.v1.LedgerService/Append", "",                              "X X X X X"),
        ("/registry.v1.RegistryService/ListPartners", "",                    "S S S S S"),
        ("/registry.v1.RegistryService/GetPartner", "",                      "S S S S S"),
        ("/registry.v1.RegistryService/RegisterPartner", "",                 "S S S S S"),
        ("/registry.v1.RegistryService/ApprovePartner", "",                  "S S S S S"),
        ("/registry.v1.RegistryService/RejectPartner", "",                   "S S S S S"),
        ("/registry.v1.RegistryService/SuspendPartner", "",                  "S S S S S"),
        ("/registry.v1.RegistryService/RevokePartner", "",                   "S S S S S"),
        ("/registry.v1.RegistryService/RecordConformanceReport", "",         "S S S S S"),
        ("/registry.v1.RegistryService/ListPartnerChanges", "",              "S S S S S"),
        ("/registry.v1.RegistryService/WatchPartners", "",                   "X X X X X"),
        ("/index.v1.RoutingService/FindRecipients", "",                      "X X X X X"),
        ("/index.v1.RoutingService/GetFacts", "",                            "X X X X X"),
        ("/index.v1.RoutingService/RecordSignalFacts", "",                   "X X X X X"),
        ("/index.v1.RoutingService/LocateInbox", "",                         "X X X X X"),
        ("/node.v1.InboxService/Deliver", "",                                "X X X X X"),
        ("/policy.v1.PolicyService/Decide", "",                              "X X X X X"),
        ("/policy.v1.PolicyService/Explain", "",                             "X X X X X"),
        ("/policy.v1.PolicyService/GetActiveBundle", "",                     "X X X X X"),
        ("/exchange.v1.Secrets/Everything", "",                              "X X X X X"),
    ];

    private static readonly HashSet<string> StreamingRpcs = ["/exchange.v1.Signals/Subscribe", "/registry.v1.RegistryService/WatchPartners"];

    public static TheoryData<string, string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (var (rpc, holder, expected) in Matrix)
        {
            var outcomes = expected.Split(' ');
            for (var i = 0; i < Callers.Length; i++)
            {
                data.Add(Callers[i], rpc, holder, outcomes[i]);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_caller_may_make_exactly_the_calls_its_scopes_and_domain_allow(string caller, string rpc, string holder, string expected)
    {
        var headers = new Metadata();
        var organisation = caller == SecuredExchange.PrivacyOfficerClient ? "vt-mwb" : caller;
        if (holder == "other")
        {
            headers.Add("exchange-holder", Other(organisation));
        }

        var before = exchange.Backend.Count(rpc);

        var outcome = await RawCalls.CallAsync(exchange.Channel(caller), rpc, StreamingRpcs.Contains(rpc), headers);

        if (expected == "A")
        {
            Assert.True(exchange.Backend.Count(rpc) > before, $"{caller} {rpc}: expected the call to reach the service, got {outcome}");
            Assert.DoesNotContain(outcome.Code, new[] { StatusCode.Unauthenticated, StatusCode.PermissionDenied, StatusCode.ResourceExhausted });
        }
        else
        {
            var reason = expected switch
            {
                "S" => ReasonCodes.ScopeMissing,
                "D" => ReasonCodes.DomainNotAllowed,
                "H" => ReasonCodes.HolderNotCaller,
                _ => ReasonCodes.RpcNotExposed,
            };
            Assert.Equal((StatusCode.PermissionDenied, reason), (outcome.Code, outcome.Reason));
            Assert.Equal(0, outcome.Messages);
            Assert.Equal(before, exchange.Backend.Count(rpc));
        }
    }

    /// <summary>Another demo partner than the caller, to name as holder.</summary>
    private static string Other(string organisation) =>
        TestPartner.Demo.Select(p => p.Id).First(id => id != organisation);
}
