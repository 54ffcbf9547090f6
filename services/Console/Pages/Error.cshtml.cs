using Exchange.ServiceDefaults.Errors;
using GrpcStatus = Grpc.Core.StatusCode;
using Grpc.Core;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Exchange.Console.Pages;

/// <summary>
/// What went wrong, in words for the officer: never a stack trace, never a request header. A refusal by
/// the ledger says so (and that the attempt was recorded); an expired login logs in again.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    public string Kind { get; private set; } = "error";

    public string? ReadSequence { get; private set; }

    public IActionResult OnGet(int? status, string? reason) => Handle(status, reason);

    public IActionResult OnPost(int? status, string? reason) => Handle(status, reason);

    private IActionResult Handle(int? status, string? reason)
    {
        var exception = HttpContext.Features.Get<IExceptionHandlerFeature>()?.Error;
        if (exception is RpcException rpc)
        {
            switch (rpc.StatusCode)
            {
                case GrpcStatus.Unauthenticated:
                    // The token expired or was refused: log in again, back to where the officer was.
                    var back = HttpContext.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? "/";
                    return Challenge(new Microsoft.AspNetCore.Authentication.AuthenticationProperties { RedirectUri = back });
                case GrpcStatus.PermissionDenied:
                    Kind = RpcErrors.ReasonOf(rpc) == "NOT_PARTY" ? "not-party" : "denied";
                    ReadSequence = rpc.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>()?.Metadata.GetValueOrDefault("read_sequence");
                    Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Page();
                case GrpcStatus.NotFound:
                    Kind = "not-found";
                    Response.StatusCode = StatusCodes.Status404NotFound;
                    return Page();
                case GrpcStatus.Unavailable or GrpcStatus.DeadlineExceeded:
                    Kind = "unavailable";
                    Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    return Page();
            }
        }

        Kind = reason == "login" ? "login" : status switch
        {
            404 => "not-found",
            403 => "denied",
            _ => "error",
        };
        Response.StatusCode = status is >= 400 and < 600 ? status.Value : reason == "login" ? StatusCodes.Status401Unauthorized : StatusCodes.Status500InternalServerError;
        return Page();
    }
}
