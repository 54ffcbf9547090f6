using Exchange.Edge.Tests.Support;

namespace Exchange.Edge.Tests.Clients;

/// <summary>docs/integrating.md works as written: every command in it, run verbatim against a launcher.</summary>
[Collection(RunningExchangeCollection.Name)]
public sealed class IntegratingGuideTests(RunningExchange exchange)
{
    [Fact]
    public async Task The_guide_takes_a_newcomer_from_the_launcher_to_a_first_permitted_disclosure_with_buf_curl_and_grpc_js()
    {
        Shell.RequireNodeAndBuf();

        var result = await Shell.RunAsync(Guide.Script, exchange.Environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        var output = result.Output;
        // Reflection lists the public services, and no internal one.
        Assert.Contains("exchange.v1.Disclosures\n", output, StringComparison.Ordinal);
        Assert.DoesNotContain("index.v1", output, StringComparison.Ordinal);
        Assert.DoesNotContain("policy.v1", output, StringComparison.Ordinal);
        // buf curl: the disclosure was permitted and carried the police incident.
        Assert.Contains("\"decision\": \"DECISION_PERMIT\"", output, StringComparison.Ordinal);
        Assert.Contains("\"@type\": \"type.googleapis.com/police.v1.DomesticViolenceIncident\"", output, StringComparison.Ordinal);
        // grpc-js: the refusal decoded from google.rpc.Status, then the same permitted disclosure.
        Assert.Contains("{\"without_holder\":{\"code\":\"INVALID_ARGUMENT\",\"reason\":\"INVALID_ARGUMENT\",\"fields\":[\"exchange-holder\"]}}", output, StringComparison.Ordinal);
        Assert.Contains("{\"decision\":\"DECISION_PERMIT\",\"legal_basis\":\"bpg-4-x\",\"records\":[\"police.v1.DomesticViolenceIncident\"", output, StringComparison.Ordinal);
        // The refused lookup, its reason read with buf convert.
        Assert.Contains("permission_denied\n{\"reason\":\"BASIS_NOT_APPLICABLE\",\"domain\":\"exchange.nl\"", output, StringComparison.Ordinal);
    }
}
