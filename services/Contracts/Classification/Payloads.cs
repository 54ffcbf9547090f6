using System.Collections.Frozen;
using Exchange.Contracts.ChildProtection.V1;
using Exchange.Contracts.Police.V1;
using Exchange.Contracts.SocialTeam.V1;
using Exchange.Contracts.V1;
using Exchange.Contracts.VeiligThuis.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Exchange.Contracts.Classification;

/// <summary>
/// The payload types a signal may carry: the messages of the domain packages (and the exchange's own
/// notifications) that are not RPC requests or responses. Every field of these is classified.
/// </summary>
public static class Payloads
{
    /// <summary>The files whose messages are payloads.</summary>
    public static IReadOnlyList<FileDescriptor> Files { get; } =
    [
        PoliceReflection.Descriptor,
        VeiligthuisReflection.Descriptor,
        ChildprotectionReflection.Descriptor,
        SocialteamReflection.Descriptor,
        NotificationsReflection.Descriptor,
    ];

    /// <summary>
    /// Resolves <c>google.protobuf.Any</c> payloads to their types, including the classified
    /// involvement record the index discloses on a lookup.
    /// </summary>
    public static TypeRegistry Registry { get; } = TypeRegistry.FromFiles([.. Files, InvolvementsReflection.Descriptor]);

    /// <summary>Every payload message type, by full name (e.g. "police.v1.DomesticViolenceIncident").</summary>
    public static FrozenDictionary<string, MessageDescriptor> ByName { get; } = PayloadMessages(Files)
        .ToFrozenDictionary(m => m.FullName, StringComparer.Ordinal);

    /// <summary>The payload messages of files: all their messages except the request and response types of their services.</summary>
    public static IEnumerable<MessageDescriptor> PayloadMessages(IEnumerable<FileDescriptor> files)
    {
        foreach (var file in files)
        {
            var rpcTypes = file.Services
                .SelectMany(s => s.Methods)
                .SelectMany(m => new[] { m.InputType.FullName, m.OutputType.FullName })
                .ToHashSet(StringComparer.Ordinal);
            foreach (var message in file.MessageTypes)
            {
                if (!rpcTypes.Contains(message.FullName))
                {
                    yield return message;
                }
            }
        }
    }

    /// <summary>Unpacks a signal payload, or returns null when its type is not a known payload.</summary>
    public static IMessage? Unpack(Google.Protobuf.WellKnownTypes.Any payload) =>
        payload.Unpack(Registry);

    /// <summary>"police.v1.DomesticViolenceIncident" from a type URL.</summary>
    public static string TypeName(Google.Protobuf.WellKnownTypes.Any payload) =>
        Google.Protobuf.WellKnownTypes.Any.GetTypeName(payload.TypeUrl);
}
