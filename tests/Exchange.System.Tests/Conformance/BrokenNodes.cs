using Exchange.Contracts.V1;
using Exchange.Contracts.VeiligThuis.V1;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.System.Tests.Conformance;

/// <summary>
/// Deliberately broken Veilig Thuis nodes, each the real service with one fault added, for the conformance kit to
/// catch. They exist only here.
/// </summary>
public static class BrokenNodes
{
    /// <summary>Returns the interview notes (INCIDENT) of every safety assessment it releases, whatever was released.</summary>
    public static void LeakInterviewNotes(WebApplicationBuilder builder) =>
        builder.Services.Configure<GrpcServiceOptions>(grpc => grpc.Interceptors.Add<InterviewNotesLeak>());

    /// <summary>Ignores the deadline of every call: the grpc-timeout header never reaches the gRPC server.</summary>
    public static void IgnoreDeadlines(WebApplication app) =>
        app.Use((HttpContext context, RequestDelegate next) =>
        {
            context.Request.Headers.Remove("grpc-timeout");
            return next(context);
        });

    private sealed class InterviewNotesLeak : Interceptor
    {
        public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
            TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        {
            var response = await continuation(request, context);
            if (response is DisclosureResponse disclosure)
            {
                foreach (var record in disclosure.Records.Where(r => r.Payload.Is(SafetyAssessment.Descriptor)))
                {
                    var assessment = record.Payload.Unpack<SafetyAssessment>();
                    assessment.InterviewNotes = "what the redaction forgot";
                    record.Payload = Google.Protobuf.WellKnownTypes.Any.Pack(assessment);
                }
            }

            return response;
        }
    }
}
