using System.Text;
using Exchange.Contracts.V1;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Exchange.Policy.Engine.Bundle;

/// <summary>What the files of a bundle say, before references between them are checked.</summary>
internal sealed class BundleDraft
{
    public List<BundleManifest> Manifests { get; } = [];

    public List<PurposeDefinition> Purposes { get; } = [];

    public List<LegalBasisDefinition> LegalBases { get; } = [];

    public List<PartnerDefinition> Partners { get; } = [];

    public List<AgreementDefinition> Agreements { get; } = [];

    public List<SignatureDefinition> Signatures { get; } = [];

    public List<RuleDefinition> Rules { get; } = [];

    public List<HardDenialDefinition> HardDenials { get; } = [];

    public List<BundleTestCase> TestCases { get; } = [];
}

/// <summary>
/// Reads the YAML files of a bundle. Any file may hold any section (a bundle can be one file or many);
/// the loader merges them. Every problem is reported with file, line and column.
/// </summary>
internal static class BundleParser
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static BundleDraft Parse(BundleSource source, BundleErrors errors)
    {
        var draft = new BundleDraft();
        foreach (var file in source.Files)
        {
            ParseFile(source.DisplayPathOf(file), file.Content, draft, errors);
        }

        return draft;
    }

    private static void ParseFile(string path, ReadOnlyMemory<byte> content, BundleDraft draft, BundleErrors errors)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(content.Span);
        }
        catch (DecoderFallbackException)
        {
            errors.Add(SourceLocation.OfFile(path), "the file is not valid UTF-8");
            return;
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            errors.Add(new SourceLocation(path, (int)e.Start.Line, (int)e.Start.Column), $"invalid YAML: {Innermost(e).Message}");
            return;
        }
        catch (Exception exception) when (exception is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet 18 throws these, without a place, for some malformed input (found by fuzzing: ": [\nt" and an ArgumentException "unsupported event").
            errors.Add(SourceLocation.OfFile(path), "invalid YAML, and the parser could not say where");
            return;
        }

        foreach (var document in stream.Documents)
        {
            if (document.RootNode is not YamlMappingNode root)
            {
                errors.Add(new SourceLocation(path, (int)document.RootNode.Start.Line, (int)document.RootNode.Start.Column), "a bundle file must be a mapping of sections (bundle, purposes, legal_bases, partners, agreements, rules, hard_denials, tests)");
                continue;
            }

            ReadSections(new MappingReader(root, path, "a bundle file", BundleKeys.File, errors), draft);
        }
    }

    private static Exception Innermost(YamlException e) => e.InnerException is YamlException inner ? Innermost(inner) : e;

    private static void ReadSections(MappingReader file, BundleDraft draft)
    {
        if (file.Mapping("bundle", "the bundle section", BundleKeys.Manifest) is { } manifest)
        {
            draft.Manifests.Add(ReadManifest(manifest));
        }

        draft.Purposes.AddRange(file.MappingSequence("purposes", "a purpose", BundleKeys.Purpose).Select(ReadPurpose));
        draft.LegalBases.AddRange(file.MappingSequence("legal_bases", "a legal basis", BundleKeys.LegalBasis).Select(ReadLegalBasis));
        draft.Partners.AddRange(file.MappingSequence("partners", "a partner", BundleKeys.Partner).Select(ReadPartner));
        draft.Agreements.AddRange(file.MappingSequence("agreements", "an agreement", BundleKeys.Agreement).Select(ReadAgreement));
        draft.Signatures.AddRange(file.MappingSequence("signatures", "a signature", BundleKeys.Signature).Select(ReadSignature));
        draft.Rules.AddRange(file.MappingSequence("rules", "a rule", BundleKeys.Rule).Select(ReadRule));
        draft.HardDenials.AddRange(file.MappingSequence("hard_denials", "a hard denial", BundleKeys.HardDenial).Select(ReadHardDenial));
        draft.TestCases.AddRange(file.MappingSequence("tests", "a test case", BundleKeys.Test).Select(ReadTestCase));
    }

    private static BundleManifest ReadManifest(MappingReader m) => new(
        m.RequiredId(),
        m.RequiredString("version"),
        m.OptionalString("title") ?? string.Empty,
        m.RequiredTime("tests_at"),
        m.EnumList("special_categories", Vocabularies.Categories, required: false),
        m.Location);

    private static PurposeDefinition ReadPurpose(MappingReader m) => new(
        m.RequiredEnum("id", Vocabularies.Purposes),
        m.RequiredString("title"),
        m.OptionalString("description") ?? string.Empty,
        m.Location);

    private static LegalBasisDefinition ReadLegalBasis(MappingReader m) => new(
        m.RequiredId(),
        m.RequiredString("law"),
        m.RequiredString("article"),
        m.RequiredString("summary"),
        m.EnumList("holder_domains", Vocabularies.Domains, required: true),
        m.EnumList("purposes", Vocabularies.Purposes, required: true),
        m.EnumList("categories", Vocabularies.Categories, required: false),
        m.EnumList("special_categories", Vocabularies.Categories, required: false),
        m.Location)
    {
        RecipientDomains = m.EnumList("recipient_domains", Vocabularies.Domains, required: true),
        Kind = ReadKind(m),
        Regime = ReadRegime(m),
        OnlyWith = m.ReferenceList("only_with", required: false),
        Source = m.RequiredString("source"),
        OpenQuestions = m.StringList("open_questions", required: false),
    };

    /// <summary>Required: whether a person weighs a disclosure under the basis is the first thing a lawyer checks.</summary>
    private static BasisKind ReadKind(MappingReader m)
    {
        var text = m.RequiredString("kind");
        if (BasisVocabulary.TryParseKind(text, out var kind))
        {
            return kind;
        }

        if (text.Length > 0)
        {
            m.Error(m.Node("kind")!, $"unknown kind '{text}'; expected one of: {string.Join(", ", BasisVocabulary.KindNames)}");
        }

        return BasisKind.Task;
    }

    private static BasisRegime ReadRegime(MappingReader m)
    {
        if (m.OptionalString("regime") is not { } text)
        {
            return BasisRegime.Avg;
        }

        if (!BasisVocabulary.TryParseRegime(text, out var regime))
        {
            m.Error(m.Node("regime")!, $"unknown regime '{text}'; expected one of: {string.Join(", ", BasisVocabulary.RegimeNames)}");
        }

        return regime;
    }

    private static PartnerDefinition ReadPartner(MappingReader m) => new(
        m.RequiredId(),
        m.RequiredString("name"),
        m.RequiredEnum("domain", Vocabularies.Domains),
        m.Location);

    private static AgreementDefinition ReadAgreement(MappingReader m) => new(
        m.RequiredId(),
        m.RequiredString("name"),
        m.ReferenceList("partners", required: true),
        m.RequiredTime("valid_from"),
        m.OptionalTime("valid_to"),
        m.ReferenceList("legal_bases", required: false),
        m.Location);

    private static SignatureDefinition ReadSignature(MappingReader m) => new(
        m.RequiredReference("agreement"),
        m.RequiredId("partner"),
        m.RequiredString("name"),
        m.RequiredEnum("domain", Vocabularies.Domains),
        m.Location);

    private static RuleDefinition ReadRule(MappingReader m) => new(
        m.RequiredId(),
        m.OptionalString("description") ?? string.Empty,
        ReadScope(m, required: true),
        m.RequiredReference("legal_basis"),
        m.EnumList("categories", Vocabularies.Categories, required: true),
        m.Flag("break_glass"),
        m.Mapping("obligations", "the obligations", BundleKeys.Obligations) is { } o
            ? new ObligationsDefinition(o.OptionalCount("retention_days"), o.Flag("no_onward_sharing"), o.Flag("notify_holder"), o.Flag("review_required"))
            : ObligationsDefinition.None,
        m.Location)
    {
        TogetherWith = m.ReferenceList("together_with", required: false),
    };

    private static HardDenialDefinition ReadHardDenial(MappingReader m) => new(
        m.RequiredId(),
        m.OptionalString("description") ?? string.Empty,
        m.EnumList("categories", Vocabularies.Categories, required: true, allowAll: true),
        ReadScope(m, required: false),
        [.. m.MappingSequence("unless", "an exception of a hard denial", BundleKeys.Scope).Select(u => ReadScope(u, required: false))],
        m.OptionalString("reason_code") ?? PolicyReasonCodes.HardDenial,
        m.Location);

    /// <summary>A rule must say whom it is about; a hard denial or its exception may leave any part open.</summary>
    private static ScopeDefinition ReadScope(MappingReader m, bool required) => new(
        m.EnumList("holder", Vocabularies.Domains, required),
        m.EnumList("recipient", Vocabularies.Domains, required),
        m.StringList("recipient_roles", required: false),
        m.EnumList("purposes", Vocabularies.Purposes, required),
        m.EnumList("kinds", Vocabularies.Kinds, required: false),
        m.Mapping("when", "the conditions", BundleKeys.When) is { } w ? ReadConditions(w) : ConditionsDefinition.None,
        m.Location);

    private static ConditionsDefinition ReadConditions(MappingReader w) => new(
        w.RequirementFlag("involved"),
        w.RequirementFlag("case_conference"),
        w.OptionalReference("agreement"),
        w.EnumList("violence_type", Vocabularies.ViolenceTypes, required: false),
        w.RequirementFlag("acting_for_other_parent"),
        w.RequirementFlag("joint_session"));

    private static BundleTestCase ReadTestCase(MappingReader m)
    {
        var request = m.Mapping("request", "the request of a test case", BundleKeys.TestRequest, required: true);
        var facts = m.Mapping("facts", "the facts of a test case", BundleKeys.TestFacts);
        var expect = m.Mapping("expect", "the expectation of a test case", BundleKeys.TestExpect, required: true);
        return new BundleTestCase(
            m.RequiredString("name"),
            request is null ? EmptyRequest : ReadTestRequest(request),
            facts is null ? TestFactsDefinition.None : ReadTestFacts(facts),
            m.OptionalTime("at"),
            expect is null ? EmptyExpectation : ReadExpectation(expect),
            m.Location);
    }

    private static readonly TestRequestDefinition EmptyRequest = new(string.Empty, string.Empty, string.Empty, Purpose.Unspecified, string.Empty, [], DisclosureKind.Unspecified, null, false);

    private static readonly TestExpectation EmptyExpectation = new(null, null, null, null, null, null, null, null);

    /// <summary>Test requests may name UNSPECIFIED values and unknown ids: a case can check that they are refused.</summary>
    private static TestRequestDefinition ReadTestRequest(MappingReader r) => new(
        r.RequiredString("holder"),
        r.RequiredString("recipient"),
        r.OptionalString("role") ?? string.Empty,
        r.RequiredEnum("purpose", Vocabularies.Purposes, allowUnspecified: true),
        r.OptionalString("legal_basis") ?? string.Empty,
        r.EnumList("categories", Vocabularies.Categories, required: true, allowUnspecified: true),
        r.RequiredEnum("kind", Vocabularies.Kinds, allowUnspecified: true),
        r.Has("break_glass") ? r.OptionalString("break_glass") ?? string.Empty : null,
        r.Flag("joint_session"))
    {
        ApprovedBy = r.OptionalString("approved_by"),
    };

    private static TestFactsDefinition ReadTestFacts(MappingReader f) => new(
        f.Flag("involved"),
        f.Flag("case_conference"),
        f.OptionalEnum("violence_type", Vocabularies.ViolenceTypes, allowUnspecified: true) ?? Contracts.V1.ViolenceType.Unspecified,
        f.Flag("acting_for_other_parent"),
        f.Flag("involved_with_alleged_perpetrator"),
        f.Flag("involved_with_victim"));

    private static TestExpectation ReadExpectation(MappingReader e)
    {
        var denied = ReasonMap(e, "denied");

        var decision = e.OptionalEnum("decision", Vocabularies.Decisions);
        var invalidField = e.OptionalString("invalid_field");
        if (decision is null && invalidField is null)
        {
            e.Error("a test case must expect a 'decision' or an 'invalid_field'");
        }

        return new TestExpectation(
            decision,
            e.Has("released") ? e.EnumList("released", Vocabularies.Categories, required: false) : null,
            denied,
            e.Has("rules") ? e.StringList("rules", required: false) : null,
            e.Has("obligations") ? e.EnumList("obligations", Vocabularies.Obligations, required: false) : null,
            e.OptionalCount("retention_days"),
            e.OptionalString("reason_code"),
            invalidField)
        {
            LegalBasis = e.OptionalString("legal_basis"),
            RecipientTold = ReasonMap(e, "recipient_told"),
            RecipientReasonCode = e.OptionalString("recipient_reason_code"),
            Awaiting = e.Has("awaiting") ? e.EnumList("awaiting", Vocabularies.Categories, required: false) : null,
        };
    }

    /// <summary>A map of category to reason code, e.g. <c>denied: {INCIDENT: PURPOSE_NOT_COVERED}</c>; null when absent.</summary>
    private static Dictionary<DataCategory, string>? ReasonMap(MappingReader e, string name)
    {
        var map = e.Has(name) ? new Dictionary<DataCategory, string>() : null;
        foreach (var (key, keyText, value, valueText) in e.Entries(name))
        {
            if (!Vocabularies.Categories.TryParse(keyText, out var category))
            {
                e.Error(key, $"unknown DataCategory '{keyText}'; expected one of: {string.Join(", ", Vocabularies.Categories.Names)}");
            }
            else if (valueText is null)
            {
                e.Error(value, $"the reason code for {keyText} must be a single value");
            }
            else
            {
                map![category] = valueText;
            }
        }

        return map;
    }
}
