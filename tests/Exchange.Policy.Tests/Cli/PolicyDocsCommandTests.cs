using Exchange.Cli.Policy;
using Exchange.Policy.Engine;
using Exchange.Policy.Tests.Support;

namespace Exchange.Policy.Tests.Cli;

/// <summary><c>exchange policy docs</c>: docs/legal-bases.md is written from the bundle and cannot drift from it.</summary>
public sealed class PolicyDocsCommandTests
{
    private static readonly string Document = Path.Combine(Repository.Root, "docs", "legal-bases.md");

    [Fact]
    public void The_legal_bases_document_is_what_the_default_bundle_says()
    {
        using var output = new StringWriter();

        var exit = PolicyCommand.Docs(Repository.PoliciesDirectory, Document, check: true, output);

        Assert.True(exit == PolicyCommand.Success, output.ToString());
    }

    [Fact]
    public void The_legal_bases_document_names_every_basis_its_source_and_every_open_question_for_a_lawyer()
    {
        var document = File.ReadAllText(Document);
        var bases = PolicyEngine.Start(Repository.PoliciesDirectory).ActiveBundle.LegalBases;

        Assert.All(bases, b =>
        {
            Assert.Contains($"\n## {b.Id}\n", document, StringComparison.Ordinal);
            Assert.Contains(b.Definition.Source.Trim(), document, StringComparison.Ordinal);
        });
        var questions = bases.SelectMany(b => b.Definition.OpenQuestions).Select(q => string.Join(' ', q.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))).ToList();
        Assert.NotEmpty(questions);
        var list = document[document.IndexOf("## Open questions for a lawyer", StringComparison.Ordinal)..];
        Assert.All(questions, q => Assert.Contains(q, list, StringComparison.Ordinal));
    }

    [Fact]
    public void A_change_to_the_bundle_that_the_document_does_not_show_fails_the_check()
    {
        using var dir = TempDirectory.CopyOf(Repository.PoliciesDirectory);

        var bases = Path.Combine(dir.Path, "legal-bases.yaml");
        File.WriteAllText(bases, File.ReadAllText(bases).Replace("Who is the competent authority", "Which competent authority", StringComparison.Ordinal));
        using var output = new StringWriter();

        var exit = PolicyCommand.Docs(dir.Path, Document, check: true, output);

        Assert.Equal(PolicyCommand.Failed, exit);
        Assert.Contains("is out of date: run `exchange policy docs", output.ToString(), StringComparison.Ordinal);
    }
}
