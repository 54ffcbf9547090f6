using Exchange.Contracts.V1;
using Exchange.Node.Hosting;
using Exchange.Node.Validation;
using Exchange.Police.Grpc;
using Exchange.Police.Validation;

namespace Exchange.Police;

public static class PoliceServiceExtensions
{
    public static WebApplicationBuilder AddPoliceService(this WebApplicationBuilder builder)
    {
        builder.AddExchangeNode(new NodeDomain(Domain.Police, "police.v1"));
        builder.Services.AddSingleton<IPayloadValidator, DomesticViolenceIncidentValidator>();
        builder.Services.AddSingleton<IPayloadValidator, RestrainingOrderValidator>();
        builder.Services.AddSingleton<IPayloadValidator, AlarmDeviceIssuedValidator>();
        builder.Services.AddSingleton<IPayloadValidator, RiskAssessmentValidator>();
        return builder;
    }

    public static WebApplication MapPoliceService(this WebApplication app)
    {
        app.MapExchangeNode();
        app.MapGrpcService<PoliceSignalsService>();
        return app;
    }
}
