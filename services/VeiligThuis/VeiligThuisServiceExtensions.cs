using Exchange.Contracts.V1;
using Exchange.Node.Hosting;
using Exchange.Node.Validation;
using Exchange.VeiligThuis.Grpc;
using Exchange.VeiligThuis.Validation;

namespace Exchange.VeiligThuis;

public static class VeiligThuisServiceExtensions
{
    public static WebApplicationBuilder AddVeiligThuisService(this WebApplicationBuilder builder)
    {
        builder.AddExchangeNode(new NodeDomain(Domain.VeiligThuis, "veiligthuis.v1"));
        builder.Services.AddSingleton<IPayloadValidator, SafetyAssessmentValidator>();
        builder.Services.AddSingleton<IPayloadValidator, ReportReceivedValidator>();
        builder.Services.AddSingleton<IPayloadValidator, CaseStatusValidator>();
        builder.Services.AddSingleton<IPayloadValidator, HandoverToCareValidator>();
        builder.Services.AddSingleton<IPayloadValidator, ShelterStayValidator>();
        return builder;
    }

    public static WebApplication MapVeiligThuisService(this WebApplication app)
    {
        app.MapExchangeNode();
        app.MapGrpcService<VeiligThuisSignalsService>();
        return app;
    }
}
