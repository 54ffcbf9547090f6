using System.Text.RegularExpressions;
using Exchange.Console.Localization;
using Exchange.Testing;

namespace Exchange.Console.Tests.Pages;

/// <summary>English is available on every page: each Dutch text a page or page model shows has its English.</summary>
public sealed partial class EnglishTextsTests
{
    [Fact]
    public void Every_Dutch_text_of_the_console_has_its_English()
    {
        var sources = Directory.EnumerateFiles(Repository.Path("services", "Console"), "*.*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".cshtml", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        var texts = sources.SelectMany(f => Text().Matches(File.ReadAllText(f)).Select(m => Regex.Unescape(m.Groups["text"].Value))).Distinct().ToList();

        Assert.True(texts.Count > 150, $"only {texts.Count} texts found: is the pattern still right?");
        Assert.DoesNotContain(texts, t => !Ui.English.ContainsKey(t));
    }

    [GeneratedRegex("""(?<![A-Za-z])T\("(?<text>(?:[^"\\]|\\.)*)"[,)]""")]
    private static partial Regex Text();
}
