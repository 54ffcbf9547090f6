using Exchange.Policy.Engine.Bundle;
using Exchange.Policy.Engine.Rules;

namespace Exchange.Policy.Engine.Compilation;

/// <summary>Builds the indexed tables of a <see cref="CompiledBundle"/> once, at load, so that deciding needs no search.</summary>
internal static class BundleCompiler
{
    public static CompiledBundle? Compile(PolicyBundle bundle, BundleErrors errors)
    {
        var bases = bundle.LegalBases.Select((b, i) => new CompiledLegalBasis(b, i)).ToArray();
        var basisById = bases.ToDictionary(b => b.Id, StringComparer.Ordinal);
        var agreements = bundle.Agreements.ToDictionary(a => a.Id, a => new AgreementInForceCondition(a), StringComparer.Ordinal);
        var rules = bundle.Rules
            .Select(r => new CompiledRule(r, basisById[r.LegalBasis.Id], ConditionFactory.Build(r.Scope, agreements)))
            .ToArray();
        var denials = bundle.HardDenials
            .Select(d => new CompiledHardDenial(
                d,
                ConditionFactory.Build(d.Scope, agreements),
                [.. d.Unless.Select(u => new CompiledScope(u, ConditionFactory.Build(u, agreements)))]))
            .ToArray();

        var domains = Vocabularies.Domains.Values.Select(d => (int)d).ToArray();
        var purposes = Vocabularies.Purposes.Values.Select(p => (int)p).ToArray();
        var flows = CompiledBundle.DomainSlots * CompiledBundle.DomainSlots;
        var ruleCells = Filled<CompiledRule>(flows * CompiledBundle.PurposeSlots * bases.Length);
        var denialCells = Filled<CompiledHardDenial>(flows * CompiledBundle.PurposeSlots);
        var otherBasis = new DenialReason?[flows * CompiledBundle.PurposeSlots][];
        var otherPurpose = new DenialReason?[flows][];
        var candidates = new CompiledLegalBasis[flows * CompiledBundle.PurposeSlots][];
        var otherBasisReasonOf = rules.ToDictionary(r => r, r => new DenialReason(
            PolicyReasonCodes.BasisNotApplicable,
            string.Empty,
            $"rule '{r.Id}' releases this category for this purpose only under legal basis '{r.Basis.Id}'; ask for it under that basis"));

        foreach (var h in domains)
        {
            foreach (var r in domains)
            {
                var flow = CompiledBundle.FlowIndex(h, r);
                otherPurpose[flow] = OtherPurposeReasons(rules, h, r);
                foreach (var p in purposes)
                {
                    var flowPurpose = CompiledBundle.FlowPurposeIndex(h, r, p);
                    var applicable = rules.Where(rule => rule.Scope.Admits(h, r, p) && rule.CategoryMask != 0).ToList();
                    candidates[flowPurpose] = [.. applicable.Select(rule => rule.Basis).Distinct().OrderBy(b => b.Index)];
                    foreach (var group in applicable.GroupBy(rule => rule.Basis.Index))
                    {
                        ruleCells[(flowPurpose * bases.Length) + group.Key] = Checked([.. group], group.First().Definition.Location, $"rules for holder {Name(h)}, recipient {Name(r)}, purpose {Vocabularies.Purposes.NameOf((Contracts.V1.Purpose)p)} under legal basis '{bases[group.Key].Id}'", errors);
                    }

                    otherBasis[flowPurpose] = new DenialReason?[CompiledBundle.CategorySlots];
                    foreach (var rule in applicable)
                    {
                        foreach (var category in Masks.Numbers(rule.CategoryMask))
                        {
                            otherBasis[flowPurpose][category] ??= otherBasisReasonOf[rule];
                        }
                    }

                    denialCells[flowPurpose] = Checked(
                        [.. denials.Where(d => d.Scope.Admits(h, r, p))],
                        denials.FirstOrDefault()?.Definition.Location ?? SourceLocation.OfFile(bundle.Manifest.Location.File),
                        $"hard denials for holder {Name(h)}, recipient {Name(r)}, purpose {Vocabularies.Purposes.NameOf((Contracts.V1.Purpose)p)}",
                        errors);
                }
            }
        }

        return errors.Any ? null : new CompiledBundle(bundle, bases, rules, denials, ruleCells, denialCells, otherBasis, otherPurpose, candidates);
    }

    private static string Name(int domain) => Vocabularies.Domains.NameOf((Contracts.V1.Domain)domain);

    /// <summary>Per category, the purposes for which some rule releases it from holder domain h to recipient domain r.</summary>
    private static DenialReason?[] OtherPurposeReasons(CompiledRule[] rules, int h, int r)
    {
        var reasons = new DenialReason?[CompiledBundle.CategorySlots];
        foreach (var category in Vocabularies.Categories.Values)
        {
            var purposes = rules
                .Where(rule => Masks.Contains(rule.Scope.Holders, h) && Masks.Contains(rule.Scope.Recipients, r) && Masks.Contains(rule.CategoryMask, (int)category))
                .Aggregate(0u, (mask, rule) => mask | rule.Scope.Purposes);
            if (purposes != 0)
            {
                var names = string.Join(", ", Masks.Numbers(purposes).Select(p => Vocabularies.Purposes.NameOf((Contracts.V1.Purpose)p)));
                reasons[(int)category] = new DenialReason(
                    PolicyReasonCodes.PurposeNotCovered,
                    string.Empty,
                    $"{Vocabularies.Categories.NameOf(category)} goes from {Name(h)} to {Name(r)} only for {names}");
            }
        }

        return reasons;
    }

    private static T[] Checked<T>(T[] cell, SourceLocation location, string what, BundleErrors errors)
    {
        if (cell.Length > CompiledBundle.MaxPerCell)
        {
            errors.Add(location, $"{cell.Length} {what}; at most {CompiledBundle.MaxPerCell} can apply to one request");
        }

        return cell;
    }

    private static T[][] Filled<T>(int length)
    {
        var cells = new T[length][];
        Array.Fill(cells, []);
        return cells;
    }
}
