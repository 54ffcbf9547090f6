using Exchange.Contracts.Police.V1;
using Exchange.Node.Publishing;
using Grpc.Core;

namespace Exchange.Police.Grpc;

/// <summary>Typed publishing for police units.</summary>
public sealed class PoliceSignalsService(SignalPublisher publisher) : PoliceSignals.PoliceSignalsBase
{
    public override async Task<PublishIncidentResponse> PublishIncident(PublishIncidentRequest request, ServerCallContext context) =>
        new() { Result = await publisher.PublishAsync(context, request.Header, request.Incident, "incident") };

    public override async Task<PublishRestrainingOrderResponse> PublishRestrainingOrder(PublishRestrainingOrderRequest request, ServerCallContext context) =>
        new() { Result = await publisher.PublishAsync(context, request.Header, request.Order, "order") };

    public override async Task<PublishAlarmDeviceResponse> PublishAlarmDevice(PublishAlarmDeviceRequest request, ServerCallContext context) =>
        new() { Result = await publisher.PublishAsync(context, request.Header, request.Device, "device") };

    public override async Task<PublishRiskAssessmentResponse> PublishRiskAssessment(PublishRiskAssessmentRequest request, ServerCallContext context) =>
        new() { Result = await publisher.PublishAsync(context, request.Header, request.Assessment, "assessment") };
}
