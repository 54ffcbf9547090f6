using Exchange.ChildProtection.Grpc;
using Exchange.ChildProtection.Validation;
using Exchange.Contracts.V1;
using Exchange.Node.Hosting;
using Exchange.Node.Validation;

namespace Exchange.ChildProtection;

public static class ChildProtectionServiceExtensions
{
    public static WebApplicationBuilder AddChildProtectionService(this WebApplicationBuilder builder)
    {
        builder.AddExchangeNode(new NodeDomain(Domain.ChildProtection, "childprotection.v1"));
        builder.Services.AddSingleton<IPayloadValidator, InvestigationStartedValidator>();
        builder.Services.AddSingleton<IPayloadValidator, ChildProtectionMeasureValidator>();
        builder.Services.AddSingleton<IPayloadValidator, CourtHearingScheduledValidator>();
        builder.Services.AddSingleton<IPayloadValidator, SafetyAssessmentValidator>();
        return builder;
    }

    public static WebApplication MapChildProtectionService(this WebApplication app)
    {
        app.MapExchangeNode();
        app.MapGrpcService<ChildProtectionSignalsService>();
        return app;
    }
}
