using Exchange.Contracts.ChildProtection.V1;
using Exchange.Node.Publishing;
using Grpc.Core;

namespace Exchange.ChildProtection.Grpc;

/// <summary>Typed publishing for the RvdK and the certified youth-protection bodies.</summary>
public sealed class ChildProtectionSignalsService(SignalPublisher publisher) : ChildProtectionSignals.ChildProtectionSignalsBase
{
    public override async Task<PublishInvestigationStartedResponse> PublishInvestigationStarted(PublishInvestigationStartedRequest request, ServerCallContext context) =>
        new() { Result = await publisher.PublishAsync(context, request.Header, request.Investigation, "investigation") };

    public override async Task<PublishMeasureResponse> PublishMeasure(PublishMeasureRequest request, ServerCallContext context) =>
        new() { Result = await publisher.PublishAsync(context, request.Header, request.Measure, "measure") };

    public override async Task<PublishCourtHearingResponse> PublishCourtHearing(PublishCourtHearingRequest request, ServerCallContext context) =>
        new() { Result = await publisher.PublishAsync(context, request.Header, request.Hearing, "hearing") };

    public override async Task<PublishSafetyAssessmentResponse> PublishSafetyAssessment(PublishSafetyAssessmentRequest request, ServerCallContext context) =>
        new() { Result = await publisher.PublishAsync(context, request.Header, request.Assessment, "assessment") };
}
