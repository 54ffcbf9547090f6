using Exchange.Contracts.V1;
using Exchange.Disclosure.Flow;
using Exchange.Node.Hosting;
using Exchange.Disclosure.Pseudonyms;
using Exchange.Node.Store;
using Exchange.Node.Validation;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Identity;
using Grpc.Core;

namespace Exchange.Node.Grpc;

/// <summary>Pull disclosures: a recipient asks this node's holder for data about a subject.</summary>
public sealed class DisclosuresService(NodeContext node, SignalStore store, DisclosureFlow flow, PseudonymCodec codec) : Disclosures.DisclosuresBase
{
    public override async Task<DisclosureResponse> Request(DisclosureRequest request, ServerCallContext context)
    {
        var caller = CallerIdentity.From(context);
        var holder = context.RequestHeaders.GetValue(ExchangeHeaders.Holder);
        if (string.IsNullOrWhiteSpace(holder))
        {
            RpcErrors.InvalidArgument(ExchangeHeaders.Holder, "name the holder organisation in the call metadata");
        }

        node.RequireHosted(holder);
        var valid = DisclosureRequestValidator.Validate(request, caller, codec);
        var records = store.FindBySubject(holder, valid.Subject, request.PayloadTypes, request.LatestOnly);
        var intent = new DisclosureIntent(
            holder,
            valid.Requester,
            [valid.Subject],
            request.Purpose,
            request.LegalBasis?.Id ?? string.Empty,
            request.Categories,
            DisclosureKind.Pull)
        {
            BreakGlassJustification = request.BreakGlass?.Justification,
            ActingFor = valid.ActingFor,
            JointSession = request.JointSession,
            PayloadType = request.PayloadTypes.Count == 1 ? request.PayloadTypes[0] : null,
            KnownSubjects = [valid.Subject],
        };

        var disclosed = await flow.DiscloseAsync(intent, [.. records.Select(r => r.Signal)], context.CancellationToken);
        if (disclosed.IsDenied)
        {
            DisclosureStatus.ThrowDenied(disclosed);
        }

        var response = new DisclosureResponse { Receipt = disclosed.Receipt };
        response.Records.AddRange(disclosed.Records);
        return response;
    }
}
