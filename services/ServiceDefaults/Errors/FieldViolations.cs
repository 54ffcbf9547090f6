using System.Diagnostics.CodeAnalysis;
using Google.Rpc;

namespace Exchange.ServiceDefaults.Errors;

/// <summary>
/// Collects every wrong field of a request so that the caller learns all of them in one
/// <c>InvalidArgument</c> answer, not one per round trip.
/// </summary>
public sealed class FieldViolations
{
    private readonly List<BadRequest.Types.FieldViolation> _violations = [];

    public bool IsEmpty => _violations.Count == 0;

    public IReadOnlyList<BadRequest.Types.FieldViolation> Items => _violations;

    public FieldViolations Add(string field, string description)
    {
        _violations.Add(new BadRequest.Types.FieldViolation { Field = field, Description = description });
        return this;
    }

    /// <summary>Adds a violation when <paramref name="condition"/> is false.</summary>
    public FieldViolations Require([DoesNotReturnIf(false)] bool condition, string field, string description)
    {
        if (!condition)
        {
            Add(field, description);
        }

        return this;
    }

    public void ThrowIfAny()
    {
        if (!IsEmpty)
        {
            RpcErrors.InvalidArgument(this);
        }
    }
}
