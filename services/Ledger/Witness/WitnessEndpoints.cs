using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Exchange.Ledger.Witness;

public static class WitnessEndpoints
{
    /// <summary>
    /// <c>POST /add-checkpoint</c> of C2SP tlog-witness: the body is read up to <see cref="LedgerWitness.MaxBodyBytes"/>
    /// (a larger one is 413); every answer is plain text, never an error page.
    /// </summary>
    public static IEndpointConventionBuilder MapLedgerWitness(this IEndpointRouteBuilder endpoints, LedgerWitness witness) =>
        endpoints.MapPost("/add-checkpoint", async (HttpContext context) =>
        {
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = LedgerWitness.MaxBodyBytes;
            }

            string body;
            try
            {
                using var reader = new StreamReader(context.Request.Body, new UTF8Encoding(false, throwOnInvalidBytes: true));
                body = await reader.ReadToEndAsync(context.RequestAborted);
            }
            catch (Exception exception) when (exception is BadHttpRequestException or DecoderFallbackException)
            {
                return Results.Text("the body is not UTF-8 text of at most 64 KiB\n", "text/plain; charset=utf-8", statusCode: 400);
            }

            var answer = witness.AddCheckpoint(body);
            return Results.Text(answer.Body, answer.ContentType, statusCode: answer.Status);
        });
}
