using System.Collections;
using Exchange.Conformance.Running;
using Exchange.Contracts.Classification;
using Exchange.Contracts.Node.V1;
using Exchange.Contracts.Registry.V1;
using Exchange.Contracts.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Exchange.Conformance.Checks;

/// <summary>Bad input is refused with InvalidArgument, naming each wrong field (google.rpc.BadRequest).</summary>
public sealed class FieldViolationsCheck : IConformanceCheck
{
    public string Id => "validation.field-violations";

    public CheckSeverity Severity => CheckSeverity.Failure;

    public string Reference => "protos/exchange/v1/disclosures.proto DisclosureRequest; google.rpc.BadRequest";

    public string Title => "An empty disclosure request is refused with InvalidArgument naming the missing fields";

    public async Task<CheckVerdict> RunAsync(ConformanceRun run, CancellationToken cancellationToken)
    {
        if (run.Target.Requester is not { } requester)
        {
            return CheckVerdict.Skip("no requester's credentials were given");
        }

        try
        {
            var response = await new Disclosures.DisclosuresClient(run.Connection.Node).RequestAsync(
                new DisclosureRequest(), await run.Connection.AsAsync(requester, run.Target.HolderOrganisationId, cancellationToken));
            return CheckVerdict.Fail($"the node accepted a request without subject, purpose or categories ({response.Records.Count} records)");
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.InvalidArgument)
        {
            var fields = exception.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations.Select(v => v.Field).ToList() ?? [];
            string[] expected = ["purpose", "categories"];
            var missing = expected.Where(f => !fields.Contains(f)).ToList();
            return missing.Count == 0
                ? CheckVerdict.Pass($"InvalidArgument naming {string.Join(", ", fields)}")
                : CheckVerdict.Fail(fields.Count == 0
                    ? "InvalidArgument without google.rpc.BadRequest field violations"
                    : $"InvalidArgument, but without the fields {string.Join(", ", missing)} (named: {string.Join(", ", fields)})");
        }
    }
}

/// <summary>A refusal carries its stable reason code (google.rpc.ErrorInfo, domain exchange.nl) so that callers can act on it.</summary>
public sealed class ReasonCodeCheck : IConformanceCheck
{
    public string Id => "errors.reason-code";

    public CheckSeverity Severity => CheckSeverity.Warning;

    public string Reference => "docs/identity.md#scopes-and-the-rule-table (refusals and their reason codes)";

    public string Title => "A refusal carries a reason code in google.rpc.ErrorInfo";

    public async Task<CheckVerdict> RunAsync(ConformanceRun run, CancellationToken cancellationToken)
    {
        if (run.Target.Requester is not { } requester)
        {
            return CheckVerdict.Skip("no requester's credentials were given");
        }

        try
        {
            await new Disclosures.DisclosuresClient(run.Connection.Node).RequestAsync(new DisclosureRequest(),
                await run.Connection.AsAsync(requester, "conformance-unknown-holder", cancellationToken));
            return CheckVerdict.Fail("the node answered a request for an organisation it does not hold");
        }
        catch (RpcException exception)
        {
            var info = exception.GetRpcStatus()?.GetDetail<ErrorInfo>();
            return info is { Reason.Length: > 0, Domain: "exchange.nl" }
                ? CheckVerdict.Pass($"{exception.StatusCode} {info.Reason}")
                : CheckVerdict.Fail($"{exception.StatusCode} without a reason code in domain exchange.nl");
        }
    }
}

/// <summary>A request the policy denies releases nothing: PermissionDenied, or a DENY receipt without records.</summary>
public sealed class NoReleaseWithoutPermitCheck : IConformanceCheck
{
    public string Id => "disclosure.no-release-without-permit";

    public CheckSeverity Severity => CheckSeverity.Failure;

    public string Reference => "docs/architecture.md#one-disclosure-pull-or-push (no decision, no release)";

    public string Title => "A request the policy denies (a confidential location, to a non-police requester) returns no data";

    public async Task<CheckVerdict> RunAsync(ConformanceRun run, CancellationToken cancellationToken)
    {
        if (run.MissingForData() is { } missing)
        {
            return CheckVerdict.Skip(missing);
        }

        try
        {
            var (_, response) = await run.AskAsync([DataCategory.ConfidentialLocation], payloadType: null, cancellationToken);
            if (response.Records.Count > 0)
            {
                return CheckVerdict.Fail($"released {response.Records.Count} records under decision {response.Receipt?.Decision}; a confidential location goes to no one but the police for acute safety");
            }

            return response.Receipt?.Decision == Decision.Deny
                ? CheckVerdict.Pass("a DENY receipt and no records")
                : CheckVerdict.Fail($"answered without a denial (receipt decision: {response.Receipt?.Decision.ToString() ?? "none"})");
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.PermissionDenied)
        {
            return CheckVerdict.Pass($"PermissionDenied {exception.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason}".TrimEnd());
        }
    }
}

/// <summary>
/// What a partial permit releases is exactly the released categories: every field of the kit's record whose
/// category was released is there, and no field of any other category (at any depth).
/// </summary>
public sealed class RedactionCheck : IConformanceCheck
{
    public string Id => "disclosure.redaction-exact";

    public CheckSeverity Severity => CheckSeverity.Failure;

    public string Reference => "protos/exchange/v1/classification.proto (category); docs/architecture.md#data-classification-and-redaction";

    public string Title => "A released record holds exactly the fields of the released categories";

    public async Task<CheckVerdict> RunAsync(ConformanceRun run, CancellationToken cancellationToken)
    {
        if (run.MissingForData() is { } missing)
        {
            return CheckVerdict.Skip(missing);
        }

        TestData data;
        DisclosureResponse response;
        try
        {
            (data, response) = await run.AskAsync(run.Fixture!.Asked, run.Fixture.RecordType, cancellationToken);
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.PermissionDenied)
        {
            return CheckVerdict.Skip($"the policy released nothing of the test record to {run.Target.Requester!.OrganisationId} ({exception.Status.Detail}); redaction could not be observed");
        }

        var released = response.Receipt?.Released.ToHashSet() ?? [];
        var record = response.Records.FirstOrDefault(r => r.Id == data.RecordSignalId);
        if (record is null)
        {
            return CheckVerdict.Fail($"the receipt released {Names(released)}, but the test record is not among the {response.Records.Count} records");
        }

        if (record.Payload is null || !record.Payload.Is(data.Record.Descriptor))
        {
            return CheckVerdict.Fail($"the test record came back as {record.Payload?.TypeUrl ?? "no payload"}");
        }

        var returned = data.Record.Descriptor.Parser.ParseFrom(record.Payload.Value);
        var problems = new List<string>();
        Compare(data.Record, returned, released, data.Record.Descriptor.Name, problems);
        return problems.Count == 0
            ? CheckVerdict.Pass($"released {Names(released)}; every field of those present, none of {Names(run.Fixture!.Asked.Except(released))} or any other")
            : CheckVerdict.Fail($"the receipt released {Names(released)}, but: {string.Join("; ", problems)}");
    }

    /// <summary>Field by field, by presence: values may differ (people are translated into the requester's pseudonyms).</summary>
    public static void Compare(IMessage published, IMessage returned, IReadOnlySet<DataCategory> released, string path, List<string> problems)
    {
        foreach (var field in published.Descriptor.Fields.InDeclarationOrder())
        {
            var category = Categories.Of(field);
            var name = $"{path}.{field.Name}";
            var wasPublished = HasValue(field, published);
            var came = HasValue(field, returned);
            if (!released.Contains(category))
            {
                if (came)
                {
                    problems.Add($"{name} ({Categories.NameOf(category)}) was returned but not released");
                }

                continue;
            }

            if (wasPublished && !came)
            {
                problems.Add($"{name} ({Categories.NameOf(category)}) was released but is missing");
                continue;
            }

            if (Categories.IsClassifiedComposite(field) && wasPublished)
            {
                var before = Items(field, published);
                var after = Items(field, returned);
                if (before.Count != after.Count)
                {
                    problems.Add($"{name} has {after.Count} entries, {before.Count} were published");
                    continue;
                }

                for (var i = 0; i < before.Count; i++)
                {
                    Compare(before[i], after[i], released, field.IsRepeated ? $"{name}[{i}]" : name, problems);
                }
            }
        }
    }

    private static List<IMessage> Items(FieldDescriptor field, IMessage message) =>
        field.IsRepeated
            ? [.. ((IList)field.Accessor.GetValue(message)).Cast<IMessage>()]
            : field.Accessor.GetValue(message) is IMessage single ? [single] : [];

    private static bool HasValue(FieldDescriptor field, IMessage message)
    {
        if (field.IsRepeated)
        {
            return ((IList)field.Accessor.GetValue(message)).Count > 0;
        }

        if (field.HasPresence)
        {
            return field.Accessor.HasValue(message);
        }

        return field.Accessor.GetValue(message) switch
        {
            null => false,
            string s => s.Length > 0,
            ByteString b => b.Length > 0,
            bool b => b,
            System.Enum e => Convert.ToInt64(e, System.Globalization.CultureInfo.InvariantCulture) != 0,
            IConvertible number => Convert.ToDouble(number, System.Globalization.CultureInfo.InvariantCulture) != 0,
            _ => true,
        };
    }

    private static string Names(IEnumerable<DataCategory> categories)
    {
        var names = categories.Select(Categories.NameOf).Order(StringComparer.Ordinal).ToList();
        return names.Count == 0 ? "nothing" : string.Join(", ", names);
    }
}

/// <summary>
/// The node ends a call when its deadline passes, whatever it was doing: the inbox stream (which otherwise stays
/// open for new deliveries) is closed with DEADLINE_EXCEEDED. Sent raw, so that only the node can end it.
/// </summary>
public sealed class DeadlineCheck : IConformanceCheck
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMilliseconds(500);

    public string Id => "deadline.honoured";

    public CheckSeverity Severity => CheckSeverity.Failure;

    public string Reference => "docs/identity.md#limits-at-the-gateway (deadlines on every call)";

    public string Title => "A call is ended by the node when its deadline (grpc-timeout) passes";

    public async Task<CheckVerdict> RunAsync(ConformanceRun run, CancellationToken cancellationToken)
    {
        if (run.Target.Holder is not { } holder)
        {
            return CheckVerdict.Skip($"the node's own credentials ({run.Target.HolderOrganisationId}) were not given; the inbox stream is the holder's");
        }

        // Past every delivery: the stream would wait for new ones for as long as it is allowed to.
        var outcome = await run.Connection.CallWithDeadlineAsync(
            "/exchange.v1.Signals/Subscribe", new SubscribeRequest { AfterCursor = long.MaxValue }, holder, Deadline, cancellationToken);
        if (outcome.StillOpen)
        {
            return CheckVerdict.Fail($"the inbox stream was still open {outcome.Elapsed.TotalSeconds:0.0} s after its {Deadline.TotalMilliseconds:0} ms deadline");
        }

        return outcome.Status == StatusCode.DeadlineExceeded
            ? CheckVerdict.Pass($"DEADLINE_EXCEEDED after {outcome.Elapsed.TotalMilliseconds:0} ms (deadline {Deadline.TotalMilliseconds:0} ms)")
            : CheckVerdict.Fail($"ended with {outcome.Status?.ToString() ?? "no gRPC status"} after {outcome.Elapsed.TotalMilliseconds:0} ms instead of DEADLINE_EXCEEDED");
    }
}

/// <summary>The inbox resumes from a cursor: after cursor c it delivers what came after c, in cursor order, and nothing before.</summary>
public sealed class InboxResumeCheck : IConformanceCheck
{
    private const int MaxRead = 10_000;

    public string Id => "inbox.resume-from-cursor";

    public CheckSeverity Severity => CheckSeverity.Failure;

    public string Reference => "protos/exchange/v1/signals.proto Signals/Subscribe (after_cursor), Delivery.cursor";

    public string Title => "The inbox stream resumes after a cursor without repeating or losing deliveries";

    public async Task<CheckVerdict> RunAsync(ConformanceRun run, CancellationToken cancellationToken)
    {
        if (run.MissingForData() is { } missing)
        {
            return CheckVerdict.Skip(missing);
        }

        if (run.Target.Endpoint.Scheme != Uri.UriSchemeHttps)
        {
            return CheckVerdict.Skip("the node is reached without TLS: only over TLS, with the node's own certificate, may the kit deliver into its inbox");
        }

        if (run.Target.Node is not { } node)
        {
            return CheckVerdict.Skip($"the node's own client ({run.Target.HolderOrganisationId}-node) was not given: only the node itself may deliver the kit's signals into its inbox");
        }

        var data = await run.DataAsync(cancellationToken);
        var holder = run.Target.Holder!;
        var ids = new[] { $"conformance-{run.RunId}-delivery-1", $"conformance-{run.RunId}-delivery-2" };
        var inbox = new InboxService.InboxServiceClient(run.Connection.Node);
        foreach (var id in ids)
        {
            await inbox.DeliverAsync(Delivery(run, data, holder.OrganisationId, id), await run.Connection.AsNodeAsync(node, cancellationToken));
        }

        var first = await ReadUntilAsync(run, holder, 0, ids, cancellationToken);
        if (first.Count < 2)
        {
            return CheckVerdict.Fail($"the stream from the start delivered {first.Count} of the kit's 2 deliveries");
        }

        var (c1, c2) = (first[ids[0]], first[ids[1]]);
        if (c2 <= c1)
        {
            return CheckVerdict.Fail($"cursors do not increase: the second delivery has cursor {c2}, the first {c1}");
        }

        var resumed = await ReadAllAfterAsync(run, holder, c1, ids[1], cancellationToken);
        if (resumed.Any(c => c <= c1))
        {
            return CheckVerdict.Fail($"resuming after cursor {c1} delivered cursor {resumed.First(c => c <= c1)} again");
        }

        if (!resumed.Contains(c2))
        {
            return CheckVerdict.Fail($"resuming after cursor {c1} did not deliver cursor {c2}");
        }

        return resumed.SequenceEqual(resumed.Order())
            ? CheckVerdict.Pass($"after cursor {c1} the stream delivered {c2} next; nothing at or before {c1}")
            : CheckVerdict.Fail("resuming delivered cursors out of order");
    }

    private static DeliverRequest Delivery(ConformanceRun run, TestData data, string recipient, string id) => new()
    {
        RecipientOrganisationId = recipient,
        DeliveryKey = id,
        Signal = new Signal
        {
            Id = id,
            HolderOrganisationId = recipient,
            Subjects = { new SubjectRef { Pseudonym = data.HolderSubject } },
            Payload = Any.Pack(new InvolvementMatch
            {
                Subjects = { new SubjectRef { Pseudonym = data.HolderSubject } },
                Other = new InvolvedOrganisation { OrganisationId = ConformanceRun.ProfessionalId, Name = "Conformance kit (test delivery)" },
            }),
            PublishedAt = Timestamp.FromDateTimeOffset(run.Time.GetUtcNow()),
        },
        Receipt = new DisclosureReceipt { DecisionId = "conformance-" + run.RunId, Decision = Decision.Permit, Released = { DataCategory.Involvement } },
    };

    /// <summary>Reads from <paramref name="after"/> until every id was seen; their cursors by id.</summary>
    private static async Task<Dictionary<string, ulong>> ReadUntilAsync(ConformanceRun run, CallerCredentials holder, ulong after, string[] ids, CancellationToken cancellationToken)
    {
        var seen = new Dictionary<string, ulong>(StringComparer.Ordinal);
        using var call = new Signals.SignalsClient(run.Connection.Node).Subscribe(new SubscribeRequest { AfterCursor = after }, await run.Connection.AsAsync(holder, holder.OrganisationId, cancellationToken));
        try
        {
            for (var read = 0; read < MaxRead && seen.Count < ids.Length && await call.ResponseStream.MoveNext(cancellationToken); read++)
            {
                var delivery = call.ResponseStream.Current.Delivery;
                if (ids.Contains(delivery.Signal?.Id))
                {
                    seen[delivery.Signal!.Id] = delivery.Cursor;
                }
            }
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.DeadlineExceeded)
        {
            // What arrived within the call's time is what counts.
        }

        return seen;
    }

    /// <summary>Every cursor delivered after <paramref name="after"/>, up to and including the delivery <paramref name="last"/>.</summary>
    private static async Task<List<ulong>> ReadAllAfterAsync(ConformanceRun run, CallerCredentials holder, ulong after, string last, CancellationToken cancellationToken)
    {
        var cursors = new List<ulong>();
        using var call = new Signals.SignalsClient(run.Connection.Node).Subscribe(new SubscribeRequest { AfterCursor = after }, await run.Connection.AsAsync(holder, holder.OrganisationId, cancellationToken));
        try
        {
            for (var read = 0; read < MaxRead && await call.ResponseStream.MoveNext(cancellationToken); read++)
            {
                var delivery = call.ResponseStream.Current.Delivery;
                cursors.Add(delivery.Cursor);
                if (delivery.Signal?.Id == last)
                {
                    break;
                }
            }
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.DeadlineExceeded)
        {
        }

        return cursors;
    }
}
