using Exchange.Contracts.V1;
using Exchange.Node.Hosting;
using Exchange.Node.Validation;
using Exchange.SocialTeam.Grpc;
using Exchange.SocialTeam.Validation;

namespace Exchange.SocialTeam;

public static class SocialTeamServiceExtensions
{
    public static WebApplicationBuilder AddSocialTeamService(this WebApplicationBuilder builder)
    {
        builder.AddExchangeNode(new NodeDomain(Domain.SocialTeam, "socialteam.v1"));
        builder.Services.AddSingleton<IPayloadValidator, SupportStartedValidator>();
        builder.Services.AddSingleton<IPayloadValidator, SupportPlanValidator>();
        builder.Services.AddSingleton<IPayloadValidator, StrengthsAndNetworkValidator>();
        builder.Services.AddSingleton<IPayloadValidator, SafetyAssessmentValidator>();
        return builder;
    }

    public static WebApplication MapSocialTeamService(this WebApplication app)
    {
        app.MapExchangeNode();
        app.MapGrpcService<SocialTeamSignalsService>();
        return app;
    }
}
