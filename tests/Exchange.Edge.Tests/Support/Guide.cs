using System.Text.RegularExpressions;
using Exchange.Testing;

namespace Exchange.Edge.Tests.Support;

/// <summary>The shell commands of docs/integrating.md, verbatim, in the order the guide gives them.</summary>
public static partial class Guide
{
    public static IReadOnlyList<string> Blocks { get; } =
        [.. BashBlock().Matches(File.ReadAllText(Repository.Path("docs", "integrating.md"))).Select(m => m.Groups[1].Value)];

    /// <summary>The whole guide as one script that stops at the first failing command.</summary>
    public static string Script => "set -euo pipefail\n" + string.Join('\n', Blocks);

    /// <summary>The guide's set-up (manifest, tokens, the <c>exchange</c> function), for further calls the same way.</summary>
    public static string Prelude =>
        "set -euo pipefail\n" + string.Join('\n', Blocks.TakeWhile(b => !b.Contains("exchange() {", StringComparison.Ordinal)).Append(Blocks.First(b => b.Contains("exchange() {", StringComparison.Ordinal))));

    [GeneratedRegex("```bash\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();
}
