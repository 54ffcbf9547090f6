using Exchange.Contracts.VeiligThuis.V1;
using Exchange.Node.Publishing;
using Grpc.Core;

namespace Exchange.VeiligThuis.Grpc;

/// <summary>Typed publishing for Veilig Thuis regions.</summary>
public sealed class VeiligThuisSignalsService(SignalPublisher publisher) : VeiligThuisSignals.VeiligThuisSignalsBase
{
    public override async Task<PublishReportReceivedResponse> PublishReportReceived(PublishReportReceivedRequest request, ServerCallContext context) =>
        new() { Result = await publisher.PublishAsync(context, request.Header, request.Report, "report") };

    public override async Task<PublishSafetyAssessmentResponse> PublishSafetyAssessment(PublishSafetyAssessmentRequest request, ServerCallContext context) =>
        new() { Result = await publisher.PublishAsync(context, request.Header, request.Assessment, "assessment") };

    public override async Task<PublishCaseStatusResponse> PublishCaseStatus(PublishCaseStatusRequest request, ServerCallContext context) =>
        new() { Result = await publisher.PublishAsync(context, request.Header, request.Status, "status") };

    public override async Task<PublishHandoverToCareResponse> PublishHandoverToCare(PublishHandoverToCareRequest request, ServerCallContext context) =>
        new() { Result = await publisher.PublishAsync(context, request.Header, request.Handover, "handover") };

    public override async Task<PublishShelterStayResponse> PublishShelterStay(PublishShelterStayRequest request, ServerCallContext context) =>
        new() { Result = await publisher.PublishAsync(context, request.Header, request.Stay, "stay") };
}
