using System.Text.Json;
using Exchange.Edge.Tests.Support;
using Google.Rpc;

namespace Exchange.Edge.Tests.Clients;

/// <summary>
/// The refusals a newcomer met with buf curl and grpc-js, against the launcher's processes (Production settings):
/// each is a gRPC status with a reason code, in a form the client understands, and none echoes a token or a trace.
/// </summary>
[Collection(RunningExchangeCollection.Name)]
public sealed class ExternalClientTests(RunningExchange exchange)
{
    [Fact]
    public async Task Every_contract_in_protos_loads_in_grpc_js()
    {
        Shell.RequireNodeAndBuf();

        var result = await Shell.RunAsync("""
            node -e '
              const loader = require("@grpc/proto-loader");
              const { execSync } = require("child_process");
              const files = execSync("cd protos && find . -name \"*.proto\"").toString().trim().split("\n").map((f) => f.slice(2));
              for (const file of files) loader.loadSync(file, { includeDirs: ["protos"] });
              console.log(files.length);
            '
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(int.Parse(result.Output.Trim(), System.Globalization.CultureInfo.InvariantCulture) > 20, result.Output);
    }

    [Fact]
    public async Task An_oversized_message_from_buf_curl_is_resource_exhausted_with_its_reason()
    {
        var refusal = await RefusalAsync("""
            { printf '{"signal": {"idempotencyKey": "'; head -c 2097152 /dev/zero | tr '\0' x; printf '"}}'; } > "$EXCHANGE_DATA/big.json"
            exchange vt-mwb "$VT_TOKEN" exchange.v1.Signals/Publish --data @"$EXCHANGE_DATA/big.json"
            """);

        Assert.Equal(("resource_exhausted", "MESSAGE_TOO_LARGE"), (refusal.Code, refusal.Reason));
    }

    [Fact]
    public async Task A_connect_protocol_request_from_buf_curl_is_unimplemented_with_its_reason()
    {
        var refusal = await RefusalAsync("""
            buf curl --protocol connect --schema protos --cacert "$CA" --cert "$(cert vt-mwb)" --key "$(key vt-mwb)" \
              --header "authorization: Bearer $VT_TOKEN" --data '{"bsn": "123456782"}' "${GATEWAY}exchange.v1.Pseudonyms/Resolve"
            """);

        Assert.Equal(("unimplemented", "PROTOCOL_NOT_SUPPORTED"), (refusal.Code, refusal.Reason));
    }

    [Fact]
    public async Task A_repeated_holder_from_buf_curl_is_invalid_argument_without_a_stack_trace_or_the_token()
    {
        var refusal = await RefusalAsync("""
            exchange vt-mwb "$VT_TOKEN" exchange.v1.Disclosures/Request --header "exchange-holder: politie-zwb" --header "exchange-holder: rvdk-zuidwest" --data '{}'
            """);

        Assert.Equal(("invalid_argument", "INVALID_ARGUMENT"), (refusal.Code, refusal.Reason));
        Assert.Equal(["exchange-holder"], refusal.Fields);
        Assert.DoesNotContain("eyJ", refusal.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", refusal.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lookup_that_may_not_be_made_is_refused_with_its_reason_and_a_permitted_one_is_a_decided_no_hit()
    {
        const string Lookup = """
            lookup() {
              basis=""
              if [ -n "${1:-}" ]; then basis=", \"legalBasis\": {\"id\": \"$1\"}"; fi
              exchange vt-mwb "$VT_TOKEN" exchange.v1.Involvements/Lookup --data @- <<JSON
            {"subject": {"pseudonym": "$LEO_AT_VT"}, "requester": {"role": "veiligheidsbeoordelaar", "professionalId": "vt-4411"}$basis}
            JSON
            }
            LEO_AT_VT=$(exchange vt-mwb "$VT_TOKEN" exchange.v1.Pseudonyms/Resolve --data '{"bsn": "111222333"}' | jq -r .subject.pseudonym)
            exchange vt-mwb "$VT_TOKEN" exchange.v1.Involvements/Register --data "{\"subjects\": [{\"pseudonym\": \"$LEO_AT_VT\"}], \"contactPoint\": {\"team\": \"Team Onderzoek\"}, \"purpose\": \"PURPOSE_SAFETY_ASSESSMENT\"}" > /dev/null
            """;

        var refusal = await RefusalAsync(Lookup + "\nlookup wpg-19");
        // Citing no basis is the usual lookup: each holder tells of its involvement under its own task.
        var permitted = await Shell.RunAsync(Guide.Prelude + "\n" + Lookup + "\nlookup", exchange.Environment);

        Assert.Equal(("permission_denied", "BASIS_NOT_APPLICABLE"), (refusal.Code, refusal.Reason));
        Assert.True(permitted.ExitCode == 0, permitted.ToString());
        // After the guide's listing of services, the lookup's answer.
        using var answer = JsonDocument.Parse(permitted.Output[permitted.Output.IndexOf('{', StringComparison.Ordinal)..]);
        Assert.False(answer.RootElement.TryGetProperty("hit", out _), "nobody else is involved: no hit");
        Assert.Equal("DECISION_PERMIT", answer.RootElement.GetProperty("receipt").GetProperty("decision").GetString());
    }

    /// <summary>Runs commands after the guide's set-up; the last must fail with a gRPC error, which is read back.</summary>
    private async Task<Refusal> RefusalAsync(string commands)
    {
        Shell.RequireNodeAndBuf();
        var result = await Shell.RunAsync(Guide.Prelude + "\n" + commands, exchange.Environment);
        Assert.True(result.ExitCode != 0 && result.Error.Contains('{', StringComparison.Ordinal), result.ToString());
        var json = result.Error[result.Error.IndexOf('{', StringComparison.Ordinal)..];
        using var error = JsonDocument.Parse(json);
        var details = error.RootElement.TryGetProperty("details", out var list) ? list.EnumerateArray().ToList() : [];
        var info = details.Where(d => d.GetProperty("type").GetString() == "google.rpc.ErrorInfo").Select(d => ErrorInfo.Parser.ParseFrom(Base64(d))).FirstOrDefault();
        var badRequest = details.Where(d => d.GetProperty("type").GetString() == "google.rpc.BadRequest").Select(d => BadRequest.Parser.ParseFrom(Base64(d))).FirstOrDefault();
        return new Refusal(
            error.RootElement.GetProperty("code").GetString()!, info?.Reason, badRequest?.FieldViolations.Select(v => v.Field).ToList() ?? [], result.Output + result.Error);
    }

    private static byte[] Base64(JsonElement detail)
    {
        var value = detail.GetProperty("value").GetString()!.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(value.PadRight(value.Length + ((4 - (value.Length % 4)) % 4), '='));
    }

    private sealed record Refusal(string Code, string? Reason, IReadOnlyList<string> Fields, string Text);
}
