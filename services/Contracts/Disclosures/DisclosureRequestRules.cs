using Exchange.Contracts.V1;

namespace Exchange.Contracts.Disclosures;

/// <summary>Receives the violations a check finds: one field (named as in the proto) and what is wrong with it.</summary>
public interface IViolationSink
{
    void Add(string field, string description);
}

/// <summary>
/// The checks every disclosure request meets wherever it is made. A recipient's <c>exchange.v1.DisclosureRequest</c>
/// at the holder's service and the <c>policy.v1.DecideRequest</c> at the policy service name these fields alike
/// (purpose, categories, break_glass), so one set of rules serves both and both name the same field.
/// </summary>
public static class DisclosureRequestRules
{
    /// <summary>Adds a violation per wrong field; a valid request passes without allocating.</summary>
    public static void Check<TSink>(Purpose purpose, IReadOnlyList<DataCategory> categories, BreakGlass? breakGlass, ref TSink violations)
        where TSink : struct, IViolationSink
    {
        if (purpose == Purpose.Unspecified)
        {
            violations.Add("purpose", "name a purpose");
        }
        else if (!Enum.IsDefined(purpose))
        {
            violations.Add("purpose", $"unknown purpose {(int)purpose}");
        }

        if (categories.Count == 0)
        {
            violations.Add("categories", "name at least one data category");
        }

        for (var i = 0; i < categories.Count; i++)
        {
            var category = categories[i];
            if (category == DataCategory.Unspecified)
            {
                violations.Add($"categories[{i}]", "a category must be specified");
            }
            else if (!Enum.IsDefined(category))
            {
                violations.Add($"categories[{i}]", $"unknown data category {(int)category}");
            }
        }

        // Break-glass is the professional's own account of why a denial must be overridden now; it is reviewed.
        if (breakGlass is not null && string.IsNullOrWhiteSpace(breakGlass.Justification))
        {
            violations.Add("break_glass.justification", "break-glass needs a written justification");
        }
    }
}
