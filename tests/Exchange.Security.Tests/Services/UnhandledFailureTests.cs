using System.Text;
using Exchange.Security.Tests.Support;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Hosting;
using Exchange.Testing;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Exchange.Security.Tests.Services;

/// <summary>
/// A failure nobody foresaw, even in the Development environment where ASP.NET Core would render its developer
/// page, is answered as a status: INTERNAL with INTERNAL_ERROR and a trace id for gRPC, a one-line text otherwise,
/// and never the exception, a source path or a request header.
/// </summary>
[Collection(SecuredExchangeCollection.Name)]
public sealed class UnhandledFailureTests(SecuredExchange exchange)
{
    private const string Secret = "secret-detail-/home/build/Exchange/Failing.cs";

    [Theory]
    [InlineData("application/grpc")]
    [InlineData("text/plain")]
    public async Task An_unforeseen_failure_in_development_is_answered_without_the_exception_or_the_request(string contentType)
    {
        await using var service = await RunningService.StartAsync(
            "exchange-failing", typeof(UnhandledFailureTests), new Dictionary<string, string?>(exchange.Identity.TokenValidation),
            _ => { },
            app => app.MapPost("/exchange.v1.Failing/Fail", (HttpContext _) => throw new InvalidOperationException(Secret)),
            environment: "Development");

        var answer = await RawHttp.PostAsync(
            service.Address, null, null, "/exchange.v1.Failing/Fail", RawHttp.Frame([]), [("authorization", "Bearer token-that-must-not-come-back")], contentType);

        Assert.DoesNotContain(Secret, answer.Everything, StringComparison.Ordinal);
        Assert.DoesNotContain("token-that-must-not-come-back", answer.Everything, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", answer.Everything, StringComparison.Ordinal);
        if (contentType == "application/grpc")
        {
            Assert.Equal(((int)StatusCode.Internal, ReasonCodes.InternalError), (answer.GrpcStatus, answer.Reason));
            Assert.Contains("trace_id", answer.Details!.GetDetail<Google.Rpc.ErrorInfo>()!.Metadata.Keys);
        }
        else
        {
            Assert.Equal(500, answer.HttpStatus);
            Assert.StartsWith("The exchange could not handle the call.", Encoding.UTF8.GetString(answer.Body), StringComparison.Ordinal);
        }
    }
}
