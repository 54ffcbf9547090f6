namespace Exchange.Policy.Engine.Bundle;

/// <summary>
/// What a legal basis gives, which decides how a rule under it releases. Written in a bundle as RIGHT, TASK, ... .
/// </summary>
public enum BasisKind
{
    /// <summary>
    /// A right of the giver, weighed by a person (meldrecht, BW 1:240, Wpg art. 19): a professional of the holder
    /// decides each request (<c>HOLDER_DECISION_REQUIRED</c>); the holder's own push is that professional's act.
    /// </summary>
    Right,

    /// <summary>A statutory task of the giver (Veilig Thuis's handover, the mayor's restraining order).</summary>
    Task,

    /// <summary>A structural provision to designated recipients (Besluit politiegegevens, Wpg art. 20).</summary>
    Structural,

    /// <summary>A statutory partnership (Wet gegevensverwerking door samenwerkingsverbanden).</summary>
    Partnership,

    /// <summary>
    /// Never a ground on its own: an AVG article that must be cited with the national provision it rests on
    /// (<c>only_with</c>), such as AVG art. 9(2)(g) with UAVG art. 30, or art. 6(1)(e) with a statutory task.
    /// </summary>
    Addition,

    /// <summary>A covenant or agreement: it records who takes part and for how long; it is not a legal ground.</summary>
    Agreement,
}

/// <summary>The law a basis belongs to: police data fall under the Wpg, all other personal data under the AVG.</summary>
public enum BasisRegime
{
    Avg,
    Wpg,
}

/// <summary>The names a bundle writes for <see cref="BasisKind"/> and <see cref="BasisRegime"/>.</summary>
public static class BasisVocabulary
{
    public static IReadOnlyList<string> KindNames { get; } = ["RIGHT", "TASK", "STRUCTURAL", "PARTNERSHIP", "ADDITION", "AGREEMENT"];

    public static IReadOnlyList<string> RegimeNames { get; } = ["AVG", "WPG"];

    public static string NameOf(BasisKind kind) => KindNames[(int)kind];

    public static string NameOf(BasisRegime regime) => RegimeNames[(int)regime];

    /// <summary>How a reader is told the kind, e.g. in docs/legal-bases.md.</summary>
    public static string Describe(BasisKind kind) => kind switch
    {
        BasisKind.Right => "a right the giver weighs: a professional of the holder decides each request",
        BasisKind.Task => "a statutory task of the giver",
        BasisKind.Structural => "a structural provision to designated recipients",
        BasisKind.Partnership => "a statutory partnership",
        BasisKind.Addition => "never a ground on its own: cited only with the provision it rests on",
        _ => "not a legal ground: it records who takes part and for how long",
    };

    public static bool TryParseKind(string name, out BasisKind kind) => TryParse(KindNames, name, out kind);

    public static bool TryParseRegime(string name, out BasisRegime regime) => TryParse(RegimeNames, name, out regime);

    private static bool TryParse<T>(IReadOnlyList<string> names, string name, out T value)
        where T : struct, Enum
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                value = (T)Enum.ToObject(typeof(T), i);
                return true;
            }
        }

        value = default;
        return false;
    }
}
