using System.Diagnostics;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Requests;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Exchange.ServiceDefaults.Hosting;

/// <summary>
/// What a caller gets when something fails that no handler foresaw, in any environment: a gRPC status
/// (INTERNAL with INTERNAL_ERROR and the trace id; RESOURCE_EXHAUSTED for a body over the server's limit) for a
/// gRPC call, and a bare status with a one-line text for anything else. Never the developer exception page,
/// never a stack trace, never a header of the request: the full error is in the service's log only.
/// </summary>
public sealed partial class UnhandledFailures(ILogger<UnhandledFailures> logger) : IStartupFilter, IDeveloperPageExceptionFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        // Outermost: whatever the pipeline inside throws ends here.
        app.Use(async (context, inner) =>
        {
            try
            {
                await inner(context);
            }
            catch (Exception exception) when (!context.RequestAborted.IsCancellationRequested)
            {
                await AnswerAsync(context, exception);
            }
        });
        next(app);
    };

    /// <summary>In the Development environment the developer page would render first: answer instead of it.</summary>
    public Task HandleExceptionAsync(ErrorContext errorContext, Func<ErrorContext, Task> next) =>
        AnswerAsync(errorContext.HttpContext, errorContext.Exception);

    private async Task AnswerAsync(HttpContext context, Exception exception)
    {
        var traceId = Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
        var tooLarge = exception is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge };
        if (!tooLarge)
        {
            LogUnhandled(logger, exception, context.Request.Path.Value ?? string.Empty, traceId);
        }

        var status = tooLarge
            ? RpcErrors.Status(StatusCode.ResourceExhausted, ReasonCodes.MessageTooLarge, $"The message exceeds the limit of {ServiceDefaultsExtensions.MaxMessageBytes} bytes.")
            : RpcErrors.Status(
                StatusCode.Internal, ReasonCodes.InternalError, $"The exchange could not handle the call. Trace id {traceId}.",
                new Dictionary<string, string> { ["trace_id"] = traceId });
        var response = context.Response;
        if (response.HasStarted)
        {
            // Headers are out (a stream): end it with the status if the transport can, else cut it off.
            if (GrpcProtocol.Of(context.Request) == WireProtocol.Grpc && GrpcStatusWriter.TryAppendTrailers(response, status))
            {
                await response.CompleteAsync();
            }
            else
            {
                context.Abort();
            }

            return;
        }

        if (GrpcProtocol.Of(context.Request) != WireProtocol.Other)
        {
            await GrpcStatusWriter.WriteAsync(context, status);
            return;
        }

        response.Clear();
        response.StatusCode = tooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status500InternalServerError;
        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync(status.Message);
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Unhandled error answering {Path} (trace {TraceId})")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string path, string traceId);
}
