using System.Collections;
using Exchange.Contracts.V1;
using Exchange.Policy.Engine.Bundle;

namespace Exchange.Policy.Engine.Evaluation;

/// <summary>One duty that comes with released data.</summary>
public readonly record struct PolicyObligation(ObligationKind Kind, uint RetentionDays);

/// <summary>
/// The duties of a decision, merged over the rules that released something: the shortest retention any of them
/// sets, and every flag any of them sets. Enumerates in <see cref="ObligationKind"/> order.
/// </summary>
public readonly record struct ObligationSet : IEnumerable<PolicyObligation>
{
    private static readonly ObligationKind[] FlagKinds = [ObligationKind.NoOnwardSharing, ObligationKind.NotifyHolder, ObligationKind.ReviewRequired];

    private readonly byte _flags;

    private ObligationSet(uint retentionDays, byte flags)
    {
        RetentionDays = retentionDays;
        _flags = flags;
    }

    /// <summary>Days the recipient may keep the data; 0 when no rule limits it.</summary>
    public uint RetentionDays { get; }

    public bool NoOnwardSharing => Has(ObligationKind.NoOnwardSharing);

    public bool NotifyHolder => Has(ObligationKind.NotifyHolder);

    public bool ReviewRequired => Has(ObligationKind.ReviewRequired);

    public bool IsEmpty => RetentionDays == 0 && _flags == 0;

    public bool Contains(ObligationKind kind) => kind == ObligationKind.Retention ? RetentionDays > 0 : Has(kind);

    public static ObligationSet From(ObligationsDefinition definition) =>
        new(
            definition.RetentionDays ?? 0,
            (byte)(Flag(ObligationKind.NoOnwardSharing, definition.NoOnwardSharing)
                | Flag(ObligationKind.NotifyHolder, definition.NotifyHolder)
                | Flag(ObligationKind.ReviewRequired, definition.ReviewRequired)));

    /// <summary>Both sets' duties: the shorter retention and every flag.</summary>
    public ObligationSet Merge(ObligationSet other) =>
        new(
            RetentionDays == 0 ? other.RetentionDays : other.RetentionDays == 0 ? RetentionDays : Math.Min(RetentionDays, other.RetentionDays),
            (byte)(_flags | other._flags));

    /// <summary>A release by break-glass is reviewed by the holder's privacy officer, and the holder is told.</summary>
    public ObligationSet WithBreakGlass() =>
        new(RetentionDays, (byte)(_flags | Flag(ObligationKind.ReviewRequired, true) | Flag(ObligationKind.NotifyHolder, true)));

    public IEnumerator<PolicyObligation> GetEnumerator()
    {
        if (RetentionDays > 0)
        {
            yield return new PolicyObligation(ObligationKind.Retention, RetentionDays);
        }

        foreach (var kind in FlagKinds)
        {
            if (Has(kind))
            {
                yield return new PolicyObligation(kind, 0);
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() =>
        string.Join(", ", this.Select(o => o.Kind == ObligationKind.Retention ? $"retention {o.RetentionDays} days" : Vocabularies.Obligations.NameOf(o.Kind)));

    private static int Flag(ObligationKind kind, bool set) => set ? 1 << (int)kind : 0;

    private bool Has(ObligationKind kind) => (_flags & (1 << (int)kind)) != 0;
}
