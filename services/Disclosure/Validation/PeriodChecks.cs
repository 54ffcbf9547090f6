using Exchange.Contracts.V1;
using Exchange.ServiceDefaults.Errors;

namespace Exchange.Disclosure.Validation;

/// <summary>The one check of an <c>exchange.v1.Period</c> a caller sends, for payloads and involvements alike.</summary>
public static class PeriodChecks
{
    /// <summary>A period needs a start; its end, when given (or required), must follow the start.</summary>
    public static void Require(FieldViolations violations, Period? period, string field, bool endRequired)
    {
        if (period?.Start is null)
        {
            violations.Add($"{field}.start", "the start is required");
            return;
        }

        if (period.End is null)
        {
            violations.Require(!endRequired, $"{field}.end", "the end is required");
            return;
        }

        violations.Require(period.End.ToDateTimeOffset() > period.Start.ToDateTimeOffset(), $"{field}.end", "must follow the start");
    }
}
