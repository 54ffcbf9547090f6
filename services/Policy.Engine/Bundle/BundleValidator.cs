using Exchange.Contracts.V1;

namespace Exchange.Policy.Engine.Bundle;

/// <summary>
/// Checks what no single file can: the bundle section occurs once, ids are unique, every reference names
/// something the bundle defines, special categories are only covered deliberately, and break-glass is only
/// offered where it can mean something.
/// </summary>
internal static class BundleValidator
{
    public static PolicyBundle? Validate(BundleSource source, BundleDraft draft, BundleErrors errors)
    {
        var manifest = SingleManifest(source, draft, errors);
        ApplySignatures(draft, errors);
        var purposes = UniqueBy(draft.Purposes, p => Vocabularies.Purposes.NameOf(p.Purpose), p => p.Location, "purpose", errors);
        var bases = UniqueBy(draft.LegalBases, b => b.Id, b => b.Location, "legal basis", errors);
        var partners = UniqueBy(draft.Partners, p => p.Id, p => p.Location, "partner", errors);
        var agreements = UniqueBy(draft.Agreements, a => a.Id, a => a.Location, "agreement", errors);
        var decisive = UniqueBy(
            draft.Rules.Select(r => (r.Id, r.Location)).Concat(draft.HardDenials.Select(d => (d.Id, d.Location))),
            r => r.Id,
            r => r.Location,
            "rule or hard denial",
            errors);
        UniqueBy(draft.TestCases, t => t.Name, t => t.Location, "test case", errors);

        var special = manifest?.SpecialCategories.ToHashSet() ?? [];
        foreach (var basis in draft.LegalBases)
        {
            CheckLegalBasis(basis, special, purposes, errors);
            CheckReferences(basis.OnlyWith, bases, "legal basis", errors);
        }

        foreach (var agreement in draft.Agreements)
        {
            CheckReferences(agreement.Partners, partners, "partner", errors);
            CheckReferences(agreement.LegalBases, bases, "legal basis", errors);
            if (agreement.ValidTo is { } end && end <= agreement.ValidFrom)
            {
                errors.Add(agreement.Location, $"agreement '{agreement.Id}' ends ({end:O}) before it starts ({agreement.ValidFrom:O})");
            }
        }

        foreach (var rule in draft.Rules)
        {
            CheckRule(rule, bases, purposes, agreements, errors);
        }

        foreach (var denial in draft.HardDenials)
        {
            CheckHardDenial(denial, purposes, agreements, errors);
        }

        foreach (var test in draft.TestCases)
        {
            foreach (var id in test.Expect.Rules ?? [])
            {
                if (!decisive.ContainsKey(id))
                {
                    errors.Add(test.Location, $"test case '{test.Name}' expects rule '{id}', which the bundle does not define");
                }
            }
        }

        if (manifest is null || errors.Any)
        {
            return null;
        }

        return new PolicyBundle(
            manifest,
            draft.Purposes,
            draft.LegalBases,
            draft.Partners,
            draft.Agreements,
            draft.Rules,
            draft.HardDenials,
            draft.TestCases,
            [.. source.Files.Select(f => f.Path)],
            BundleHasher.Hash(source.Files));
    }

    /// <summary>
    /// Adds each signature's partner to its agreement (and to the partners, unless the bundle defines it with the
    /// same domain): the agreement then reads as if its file had named the partner. A signature under an agreement
    /// the bundle does not define is left out: the registry may record covenants this policy has no rules for.
    /// </summary>
    private static void ApplySignatures(BundleDraft draft, BundleErrors errors)
    {
        foreach (var signature in draft.Signatures)
        {
            var defined = draft.Partners.FirstOrDefault(p => p.Id == signature.PartnerId);
            if (defined is null)
            {
                draft.Partners.Add(new PartnerDefinition(signature.PartnerId, signature.PartnerName, signature.Domain, signature.Location));
            }
            else if (defined.Domain != signature.Domain)
            {
                errors.Add(signature.Location, $"signature of '{signature.PartnerId}' gives domain {Vocabularies.Domains.NameOf(signature.Domain)}, but the bundle defines it as {Vocabularies.Domains.NameOf(defined.Domain)}");
                continue;
            }

            // A covenant the policy does not know grants nothing: the signature is not an error, it simply permits nothing.
            var index = draft.Agreements.FindIndex(a => a.Id == signature.Agreement.Id);
            if (index < 0)
            {
                continue;
            }

            var agreement = draft.Agreements[index];
            if (agreement.Partners.All(p => p.Id != signature.PartnerId))
            {
                draft.Agreements[index] = agreement with { Partners = [.. agreement.Partners, new Reference(signature.PartnerId, signature.Location)] };
            }
        }
    }

    private static BundleManifest? SingleManifest(BundleSource source, BundleDraft draft, BundleErrors errors)
    {
        if (draft.Manifests.Count == 0)
        {
            errors.Add(SourceLocation.OfFile(source.DisplayRoot.Length == 0 ? "bundle" : source.DisplayRoot), "the bundle has no 'bundle' section (id, version, tests_at)");
            return null;
        }

        foreach (var extra in draft.Manifests.Skip(1))
        {
            errors.Add(extra.Location, $"a second 'bundle' section; the first is at {draft.Manifests[0].Location}");
        }

        return draft.Manifests[0];
    }

    private static Dictionary<string, T> UniqueBy<T>(IEnumerable<T> items, Func<T, string> id, Func<T, SourceLocation> location, string what, BundleErrors errors)
    {
        var seen = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var key = id(item);
            if (key.Length == 0)
            {
                continue;
            }

            if (!seen.TryAdd(key, item))
            {
                errors.Add(location(item), $"duplicate {what} id '{key}'; it is first defined at {location(seen[key])}");
            }
        }

        return seen;
    }

    private static void CheckReferences<T>(IEnumerable<Reference> references, Dictionary<string, T> defined, string what, BundleErrors errors)
    {
        foreach (var reference in references)
        {
            if (reference.Id.Length > 0 && !defined.ContainsKey(reference.Id))
            {
                errors.Add(reference.Location, $"unknown {what} '{reference.Id}'; the bundle defines: {string.Join(", ", defined.Keys.Order(StringComparer.Ordinal))}");
            }
        }
    }

    private static void CheckPurposes(IEnumerable<Purpose> used, SourceLocation location, string owner, Dictionary<string, PurposeDefinition> purposes, BundleErrors errors)
    {
        foreach (var purpose in used)
        {
            if (!purposes.ContainsKey(Vocabularies.Purposes.NameOf(purpose)))
            {
                errors.Add(location, $"{owner} names purpose {Vocabularies.Purposes.NameOf(purpose)}, which the bundle's 'purposes' do not define");
            }
        }
    }

    private static void CheckLegalBasis(LegalBasisDefinition basis, HashSet<DataCategory> special, Dictionary<string, PurposeDefinition> purposes, BundleErrors errors)
    {
        CheckPurposes(basis.Purposes, basis.Location, $"legal basis '{basis.Id}'", purposes, errors);
        foreach (var category in basis.Categories.Where(special.Contains))
        {
            errors.Add(basis.Location, $"legal basis '{basis.Id}' lists {Vocabularies.Categories.NameOf(category)} under 'categories', but it is a special category: list it under 'special_categories' if this basis is a specific ground for it");
        }

        foreach (var category in basis.SpecialCategories.Where(c => !special.Contains(c)))
        {
            errors.Add(basis.Location, $"legal basis '{basis.Id}' lists {Vocabularies.Categories.NameOf(category)} under 'special_categories', but the bundle does not mark it special: list it under 'categories'");
        }

        if (basis.Categories.Count + basis.SpecialCategories.Count == 0)
        {
            errors.Add(basis.Location, $"legal basis '{basis.Id}' covers no category");
        }

        if (basis.OpenQuestions.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add(basis.Location, $"legal basis '{basis.Id}' lists an empty open question");
        }
    }

    private static void CheckScope(ScopeDefinition scope, string owner, Dictionary<string, PurposeDefinition> purposes, Dictionary<string, AgreementDefinition> agreements, BundleErrors errors)
    {
        CheckPurposes(scope.Purposes, scope.Location, owner, purposes, errors);
        if (scope.When.Agreement is { } agreement)
        {
            CheckReferences([agreement], agreements, "agreement", errors);
        }

        if (scope.RecipientRoles.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add(scope.Location, $"{owner} lists an empty recipient role");
        }
    }

    private static void CheckRule(RuleDefinition rule, Dictionary<string, LegalBasisDefinition> bases, Dictionary<string, PurposeDefinition> purposes, Dictionary<string, AgreementDefinition> agreements, BundleErrors errors)
    {
        var owner = $"rule '{rule.Id}'";
        CheckScope(rule.Scope, owner, purposes, agreements, errors);
        if (rule.LegalBasis.Id.Length > 0 && !bases.ContainsKey(rule.LegalBasis.Id))
        {
            errors.Add(rule.LegalBasis.Location, $"{owner} names legal basis '{rule.LegalBasis.Id}', which the bundle does not define; it defines: {string.Join(", ", bases.Keys.Order(StringComparer.Ordinal))}");
        }

        CheckReferences(rule.TogetherWith, bases, "legal basis", errors);
        var cited = new HashSet<string>(StringComparer.Ordinal) { rule.LegalBasis.Id };
        foreach (var with in rule.TogetherWith.Where(w => !cited.Add(w.Id)))
        {
            errors.Add(with.Location, $"{owner} cites legal basis '{with.Id}' twice");
        }

        if (!rule.BreakGlass)
        {
            return;
        }

        if (!rule.Scope.Purposes.Contains(Purpose.AcuteSafety))
        {
            errors.Add(rule.Location, $"{owner} allows break-glass, which is only for ACUTE_SAFETY, but does not cover that purpose");
        }

        if (!rule.Scope.When.Involved && !rule.Scope.When.CaseConference)
        {
            errors.Add(rule.Location, $"{owner} allows break-glass, which stands in for an involvement or case-conference condition, but requires neither");
        }
    }

    private static void CheckHardDenial(HardDenialDefinition denial, Dictionary<string, PurposeDefinition> purposes, Dictionary<string, AgreementDefinition> agreements, BundleErrors errors)
    {
        var owner = $"hard denial '{denial.Id}'";
        CheckScope(denial.Scope, owner, purposes, agreements, errors);
        foreach (var exception in denial.Unless)
        {
            CheckScope(exception, $"an exception of {owner}", purposes, agreements, errors);
            if (exception.Holders.Count + exception.Recipients.Count + exception.RecipientRoles.Count + exception.Purposes.Count + exception.Kinds.Count == 0
                && exception.When.IsEmpty)
            {
                errors.Add(exception.Location, $"an exception of {owner} names nothing, so the denial would never apply");
            }
        }

        if (!PolicyReasonCodes.HardDenialCodes.Contains(denial.ReasonCode))
        {
            errors.Add(denial.Location, $"{owner} states reason code '{denial.ReasonCode}'; a hard denial may state: {string.Join(", ", PolicyReasonCodes.HardDenialCodes.Order(StringComparer.Ordinal))}");
        }
    }
}
