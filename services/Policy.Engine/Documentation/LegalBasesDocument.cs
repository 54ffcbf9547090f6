using System.Text;
using Exchange.Contracts.V1;
using Exchange.Policy.Engine.Bundle;
using Exchange.Policy.Engine.Compilation;

namespace Exchange.Policy.Engine.Documentation;

/// <summary>
/// docs/legal-bases.md, written from the bundle so that it never drifts from what the engine decides with: for each
/// legal basis the article in short, its direction and kind, what it covers, whether it stands alone, where it was
/// read, the rules that use it, and the open questions for a lawyer; then every open question in one list.
/// Deterministic (bundle order, no time of writing), so that a test can tell whether the file is current.
/// </summary>
public static class LegalBasesDocument
{
    private static readonly (Domain Domain, string Name)[] DomainNames =
    [
        (Domain.Police, "the police"),
        (Domain.VeiligThuis, "Veilig Thuis"),
        (Domain.ChildProtection, "the Raad voor de Kinderbescherming"),
        (Domain.YouthProtection, "a certified youth-protection body (GI)"),
        (Domain.SocialTeam, "the municipal social team"),
    ];

    public static string Render(CompiledBundle bundle)
    {
        var text = new StringBuilder();
        var manifest = bundle.Definition.Manifest;
        text.Append("# Legal bases\n\n")
            .Append("<!-- Generated from the policy bundle by `exchange policy docs policies --output docs/legal-bases.md`; do not edit: a test fails when this file and the bundle differ. -->\n\n")
            .Append($"The legal catalogue of policy bundle `{manifest.Id}` {manifest.Version}, as `policies/legal-bases.yaml` states it and the rules use it. ")
            .Append("Each basis says who may give (its holder domains) to whom (its recipient domains), what it covers, and its kind: ")
            .Append("a **right the giver weighs** is exercised by a professional of the holder, so a request under it waits for that professional (`HOLDER_DECISION_REQUIRED`, see [policy-language.md](policy-language.md)); ")
            .Append("a task, a structural provision or a statutory partnership releases by rule; an **addition** (an AVG article) is never a ground on its own and is cited with the provision it needs. ")
            .Append("Police data fall under the Wet politiegegevens, all else under the AVG, where health and criminal-law data need an addition and its national provision. ")
            .Append("A covenant records who takes part and for how long; it is no legal ground.\n\n")
            .Append("What no source settled is marked *to confirm* and listed as an open question for a lawyer, per basis and [all together](#open-questions-for-a-lawyer).\n\n")
            .Append("Domains: ").Append(string.Join("; ", DomainNames.Select(d => $"`{Vocabularies.Domains.NameOf(d.Domain)}` is {d.Name}"))).Append(".\n\n");

        text.Append("| basis | law and article | kind | who gives | to whom | rules |\n")
            .Append("| --- | --- | --- | --- | --- | --- |\n");
        foreach (var basis in bundle.LegalBases)
        {
            var d = basis.Definition;
            text.Append($"| [`{d.Id}`](#{Anchor(d)}) | {Cell($"{d.Law} {d.Article}")} | {BasisVocabulary.NameOf(d.Kind)} | {Domains(d.HolderDomains)} | {Domains(d.RecipientDomains)} | {Cell(string.Join(", ", RulesUsing(bundle, basis).Select(r => r.Id)))} |\n");
        }

        foreach (var basis in bundle.LegalBases)
        {
            Section(text, bundle, basis);
        }

        text.Append("\n## Open questions for a lawyer\n\n");
        var number = 0;
        foreach (var basis in bundle.LegalBases)
        {
            foreach (var question in basis.Definition.OpenQuestions)
            {
                text.Append($"{++number}. `{basis.Id}`: {Sentence(question)}\n");
            }
        }

        if (number == 0)
        {
            text.Append("None.\n");
        }

        return text.ToString();
    }

    private static void Section(StringBuilder text, CompiledBundle bundle, CompiledLegalBasis basis)
    {
        var d = basis.Definition;
        text.Append($"\n## {d.Id}\n\n")
            .Append($"**{Line(d.Law)}, {Line(d.Article)}.** {Sentence(d.Summary)}\n\n")
            .Append($"- Direction: {Domains(d.HolderDomains)} may give to {Domains(d.RecipientDomains)}.\n")
            .Append($"- Kind: {BasisVocabulary.NameOf(d.Kind)}, {BasisVocabulary.Describe(d.Kind)}.\n")
            .Append($"- Regime: {(d.Regime == BasisRegime.Wpg ? "Wet politiegegevens (police data)" : "AVG")}.\n")
            .Append($"- Purposes: {Names(d.Purposes.Select(Vocabularies.Purposes.NameOf))}.\n")
            .Append($"- Categories: {Names(d.Categories.Select(Vocabularies.Categories.NameOf))}")
            .Append(d.SpecialCategories.Count > 0 ? $"; special categories: {Names(d.SpecialCategories.Select(Vocabularies.Categories.NameOf))}.\n" : ".\n")
            .Append(d.OnlyWith.Count > 0 ? $"- Never on its own: cited only with {string.Join(" or ", d.OnlyWith.Select(r => $"`{r.Id}`"))}.\n" : "- Stands on its own.\n")
            .Append($"- Source: {Sentence(d.Source)}\n");

        var rules = RulesUsing(bundle, basis).ToList();
        text.Append(rules.Count == 0 ? "- Rules: none.\n" : "- Rules:\n");
        foreach (var rule in rules)
        {
            var role = rule.Basis == basis
                ? rule.TogetherWith.Count > 0 ? $"its ground, with {string.Join(", ", rule.TogetherWith.Select(b => $"`{b.Id}`"))}" : "its ground"
                : $"cited with `{rule.Basis.Id}`";
            var scope = rule.Definition.Scope;
            text.Append($"  - `{rule.Id}` ({role}): {Domains(scope.Holders)} to {Domains(scope.Recipients)} for {Names(scope.Purposes.Select(Vocabularies.Purposes.NameOf))}")
                .Append(scope.Kinds.Count > 0 ? $", {Names(scope.Kinds.Select(Vocabularies.Kinds.NameOf))} only" : string.Empty)
                .Append(".\n");
        }

        if (d.OpenQuestions.Count == 0)
        {
            text.Append("- Open questions: none.\n");
            return;
        }

        text.Append("- Open questions (*to confirm*):\n");
        foreach (var question in d.OpenQuestions)
        {
            text.Append($"  - {Sentence(question)}\n");
        }
    }

    private static IEnumerable<CompiledRule> RulesUsing(CompiledBundle bundle, CompiledLegalBasis basis) =>
        bundle.Rules.Where(r => r.CitedBases.Contains(basis));

    private static string Domains(IReadOnlyList<Domain> domains) =>
        domains.Count == 0 ? "any domain" : Names(domains.Select(Vocabularies.Domains.NameOf));

    private static string Names(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"`{n}`"));

    /// <summary>A heading anchor as GitHub makes it: lower case, '.' dropped.</summary>
    private static string Anchor(LegalBasisDefinition basis) => basis.Id.Replace(".", string.Empty, StringComparison.Ordinal);

    /// <summary>Text as one markdown line: folded YAML may carry line breaks.</summary>
    private static string Line(string text) => string.Join(' ', text.Split(['\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>A line that ends as a sentence does.</summary>
    private static string Sentence(string text) => Line(text) is var line && (line.EndsWith('.') || line.EndsWith('?') || line.EndsWith(')')) ? line : line + ".";

    private static string Cell(string text) => Line(text).Replace("|", "\\|", StringComparison.Ordinal);
}
