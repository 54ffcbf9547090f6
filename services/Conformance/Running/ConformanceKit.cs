using System.Net.Sockets;
using System.Security.Authentication;
using Exchange.Conformance.Checks;
using Exchange.Contracts.Registry.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Exchange.Conformance.Running;

/// <summary>What a check found: passed, failed or skipped, and why, without personal data.</summary>
public sealed record CheckVerdict(CheckOutcome Outcome, string Message)
{
    public static CheckVerdict Pass(string message) => new(CheckOutcome.Passed, message);

    public static CheckVerdict Fail(string message) => new(CheckOutcome.Failed, message);

    public static CheckVerdict Skip(string message) => new(CheckOutcome.Skipped, message);
}

/// <summary>
/// One check of the kit, as in the OpenID conformance suite: a stable id, a severity (a failed warning-severity
/// check is reported as a warning and does not fail the run), and a reference to the contract or document
/// section it tests.
/// </summary>
public interface IConformanceCheck
{
    string Id { get; }

    CheckSeverity Severity { get; }

    string Reference { get; }

    /// <summary>What the check asks of the node, in one sentence.</summary>
    string Title { get; }

    Task<CheckVerdict> RunAsync(ConformanceRun run, CancellationToken cancellationToken);
}

/// <summary>
/// The conformance kit: runs every check against a node, one after the other, and makes the report the registry
/// keeps. A check that throws fails (the node answered in a way the contract does not allow) unless the run was
/// cancelled.
/// </summary>
public sealed class ConformanceKit(TimeProvider time)
{
    /// <summary>Every check, in the order they run: reachability and identity first, then behaviour.</summary>
    public static IReadOnlyList<IConformanceCheck> Checks { get; } =
    [
        new NodeHealthCheck(),
        new ServiceListCheck(),
        new RegisteredCertificateCheck(),
        new FieldViolationsCheck(),
        new ReasonCodeCheck(),
        new NoReleaseWithoutPermitCheck(),
        new RedactionCheck(),
        new DeadlineCheck(),
        new InboxResumeCheck(),
    ];

    /// <summary>Runs the checks; <paramref name="progress"/> hears each one start (for a progress display).</summary>
    public async Task<ConformanceReport> RunAsync(ConformanceTarget target, IProgress<IConformanceCheck>? progress, CancellationToken cancellationToken)
    {
        using var run = new ConformanceRun(target, time);
        var report = new ConformanceReport
        {
            Endpoint = ConformanceVerdict.EndpointOf(target.Endpoint),
            ServerCertificateSha256 = target.RegisteredServerCertificateSha256 ?? string.Empty,
            RanAt = Timestamp.FromDateTimeOffset(time.GetUtcNow()),
        };
        foreach (var check in Checks)
        {
            progress?.Report(check);
            CheckVerdict verdict;
            try
            {
                verdict = await check.RunAsync(run, cancellationToken);
            }
            catch (CredentialsUnavailableException exception)
            {
                verdict = CheckVerdict.Skip(exception.Message);
            }
            catch (RpcException exception) when (!cancellationToken.IsCancellationRequested)
            {
                verdict = CheckVerdict.Fail($"the node answered {exception.StatusCode}: {exception.Status.Detail}");
            }
            catch (Exception exception) when (exception is HttpRequestException or IOException or SocketException or AuthenticationException or InvalidOperationException
                && !cancellationToken.IsCancellationRequested)
            {
                verdict = CheckVerdict.Fail($"the node could not be called ({exception.GetType().Name}: {exception.Message})");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                verdict = CheckVerdict.Fail($"the node did not answer within {target.CallTimeout.TotalSeconds:0} s");
            }

            var outcome = verdict.Outcome == CheckOutcome.Failed && check.Severity == CheckSeverity.Warning ? CheckOutcome.Warning : verdict.Outcome;
            report.Checks.Add(new CheckResult { Id = check.Id, Severity = check.Severity, Reference = check.Reference, Outcome = outcome, Message = verdict.Message });
        }

        report.Passed = ConformanceVerdict.Passes(report);
        return report;
    }
}

/// <summary>When a report passes: at least one check, none failed, and no check of failure severity skipped.</summary>
public static class ConformanceVerdict
{
    /// <summary>The one rule, used by the kit for its exit code and by the registry for approval.</summary>
    public static bool Passes(ConformanceReport report) =>
        report.Checks.Count > 0
        && report.Checks.All(c => c.Outcome is CheckOutcome.Passed or CheckOutcome.Warning
            || (c.Outcome == CheckOutcome.Skipped && c.Severity == CheckSeverity.Warning));

    /// <summary>An endpoint as reports and the registry name it: scheme, host and port, nothing after.</summary>
    public static string EndpointOf(Uri endpoint) => endpoint.GetLeftPart(UriPartial.Authority);

    /// <summary>The checks that keep a report from passing, as "id failed" / "id skipped".</summary>
    public static IEnumerable<string> Blocking(ConformanceReport report) =>
        report.Checks.Where(c => c.Outcome is not (CheckOutcome.Passed or CheckOutcome.Warning) && !(c.Outcome == CheckOutcome.Skipped && c.Severity == CheckSeverity.Warning))
            .Select(c => $"{c.Id} {(c.Outcome == CheckOutcome.Skipped ? "skipped" : "failed")}");
}
