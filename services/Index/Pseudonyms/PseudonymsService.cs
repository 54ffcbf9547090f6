using Exchange.Contracts.Subjects;
using Exchange.Contracts.V1;
using Exchange.Disclosure.Pseudonyms;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Identity;
using Grpc.Core;

namespace Exchange.Index.Pseudonyms;

/// <summary>
/// The only endpoint that sees a BSN. It is checked, turned into the caller's pseudonym and dropped:
/// nothing here stores, logs or echoes it (not even in an error message).
/// </summary>
public sealed class PseudonymsService(PseudonymCodec codec) : Exchange.Contracts.V1.Pseudonyms.PseudonymsBase
{
    public override Task<ResolveResponse> Resolve(ResolveRequest request, ServerCallContext context)
    {
        var caller = CallerIdentity.From(context);
        if (!Bsn.IsValid(request.Bsn))
        {
            RpcErrors.InvalidArgument("bsn", "must be nine digits that pass the 11-proof");
        }

        var pseudonym = codec.ToOrganisation(codec.FromBsn(request.Bsn), caller.OrganisationId);
        return Task.FromResult(new ResolveResponse { Subject = new SubjectRef { Pseudonym = pseudonym } });
    }
}
