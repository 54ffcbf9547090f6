using System.Security.Cryptography;
using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.Registry.V1;
using Exchange.Contracts.V1;
using Exchange.ServiceDefaults.Telemetry;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Exchange.Registry.Changes;

/// <summary>The registry administrator making a change: the client that authenticated, and its organisation.</summary>
public sealed record Administrator(string ClientId, string OrganisationId);

/// <summary>The ledger could not make the change durable; the change is not made.</summary>
public sealed class LedgerUnavailableException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// Writes each registry change to the disclosure ledger before the registry stores it: who (the administrator's
/// client id and organisation), when (the ledger's time), what (action, state, reason, revision) and a digest
/// of the partner record as it will be. A change the ledger cannot hold is not made (fail closed).
/// </summary>
public sealed partial class RegistryLedger(LedgerService.LedgerServiceClient ledger, ILogger<RegistryLedger> logger)
{
    /// <summary>The role the ledger names for registry administrators.</summary>
    public const string AdministratorRole = "registry-administrator";

    public async Task<ulong> RecordAsync(Partner next, PartnerAction action, string reason, Administrator administrator, CancellationToken cancellationToken)
    {
        var entry = new LedgerEntry
        {
            Kind = EntryKind.RegistryChange,
            TraceId = ExchangeTelemetry.CurrentTraceId,
            Requester = new Actor { OrganisationId = administrator.OrganisationId, Role = AdministratorRole, ProfessionalId = administrator.ClientId },
            HolderOrganisationId = next.Id,
            RegistryChange = new RegistryChange
            {
                PartnerId = next.Id,
                Action = action,
                RegistryRevision = next.Revision,
                State = next.State,
                Reason = reason,
                RecordDigest = ByteString.CopyFrom(SHA256.HashData(next.ToByteArray())),
            },
        };
        try
        {
            var response = await ledger.AppendAsync(new AppendRequest { Entries = { entry } }, cancellationToken: cancellationToken);
            return response.Sequences[0];
        }
        catch (RpcException exception) when (exception.StatusCode != StatusCode.Cancelled || !cancellationToken.IsCancellationRequested)
        {
            LogLedgerRefused(logger, exception.StatusCode, action);
            throw new LedgerUnavailableException("The ledger did not record the change.", exception);
        }
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Error, Message = "The ledger did not record a registry change ({Status}); the change {Action} is not made")]
    private static partial void LogLedgerRefused(ILogger logger, StatusCode status, PartnerAction action);
}
