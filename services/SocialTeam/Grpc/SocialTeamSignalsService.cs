using Exchange.Contracts.SocialTeam.V1;
using Exchange.Node.Publishing;
using Grpc.Core;

namespace Exchange.SocialTeam.Grpc;

/// <summary>Typed publishing for municipal social teams.</summary>
public sealed class SocialTeamSignalsService(SignalPublisher publisher) : SocialTeamSignals.SocialTeamSignalsBase
{
    public override async Task<PublishSupportPlanResponse> PublishSupportPlan(PublishSupportPlanRequest request, ServerCallContext context) =>
        new() { Result = await publisher.PublishAsync(context, request.Header, request.Plan, "plan") };

    public override async Task<PublishStrengthsAndNetworkResponse> PublishStrengthsAndNetwork(PublishStrengthsAndNetworkRequest request, ServerCallContext context) =>
        new() { Result = await publisher.PublishAsync(context, request.Header, request.Strengths, "strengths") };

    public override async Task<PublishSupportStartedResponse> PublishSupportStarted(PublishSupportStartedRequest request, ServerCallContext context) =>
        new() { Result = await publisher.PublishAsync(context, request.Header, request.Support, "support") };

    public override async Task<PublishSafetyAssessmentResponse> PublishSafetyAssessment(PublishSafetyAssessmentRequest request, ServerCallContext context) =>
        new() { Result = await publisher.PublishAsync(context, request.Header, request.Assessment, "assessment") };
}
