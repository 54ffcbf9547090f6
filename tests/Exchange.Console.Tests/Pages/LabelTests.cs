using System.Globalization;
using Exchange.Console.Hosting;
using Exchange.Console.Localization;
using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.V1;
using Microsoft.Extensions.Options;

namespace Exchange.Console.Tests.Pages;

/// <summary>
/// An officer reads names, never a bare "—" or an enum id: every value the contracts define has a label in Dutch and
/// in English, so a kind of entry or decision added to the contract without one fails here, not on an officer's screen.
/// </summary>
public sealed class LabelTests
{
    private readonly Ui _ui = new(Options.Create(new ConsoleOptions()));

    public static TheoryData<string> Languages => ["nl-NL", "en-GB"];

    [Theory]
    [MemberData(nameof(Languages))]
    public void Every_value_the_contracts_define_has_a_label(string language)
    {
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(language);
        try
        {
            var unlabelled = Unlabelled<EntryKind>(_ui.Kind)
                .Concat(Unlabelled<Decision>(_ui.Decision))
                .Concat(Unlabelled<Purpose>(_ui.Purpose))
                .Concat(Unlabelled<DataCategory>(_ui.Category))
                .Concat(Unlabelled<DisclosureKind>(_ui.DisclosureKind))
                .Concat(Unlabelled<OfficerReadPurpose>(_ui.ReadPurpose))
                .Concat(Unlabelled<ReadView>(_ui.ReadView))
                .ToList();

            Assert.Empty(unlabelled);
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    private static IEnumerable<string> Unlabelled<T>(Func<T, string> label)
        where T : struct, Enum =>
        Enum.GetValues<T>().Where(v => Convert.ToInt32(v, CultureInfo.InvariantCulture) != 0 && label(v) == "—").Select(v => $"{typeof(T).Name}.{v}");
}
