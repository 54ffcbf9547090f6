using Exchange.Policy.Engine.Bundle;
using Exchange.Testing;

namespace Exchange.Policy.Tests.Bundle;

/// <summary>
/// A policy bundle is edited by hand: whatever one of its files holds, loading returns a compiled bundle or the
/// errors with their places; it never throws and never hangs.
/// </summary>
public sealed class BundleFuzzTests
{
    [Fact]
    public void A_bundle_with_any_bytes_in_one_of_its_files_loads_or_reports_errors_never_an_exception()
    {
        var bundle = BundleSource.FromDirectory(Repository.Path("policies"));
        var samples = bundle.Files.Select(f => f.Content.ToArray()).ToList();
        var paths = bundle.Files.Select(f => f.Path).ToList();

        var tried = Fuzz.Run(samples, input =>
        {
            // The fuzzed bytes take the place of one file (chosen by the input, so a failure replays), the others stay.
            var replaced = input.Length == 0 ? 0 : input[0] % paths.Count;
            var files = bundle.Files.Select((f, i) => i == replaced ? new BundleFile(f.Path, input) : f).ToList();
            var result = BundleLoader.Load(new BundleSource("policies", files));
            if (result.Bundle is null && result.Errors.Count == 0)
            {
                throw new InvalidOperationException("no bundle and no error");
            }
        }, _ => false);

        Assert.True(tried > 0);
    }

    [Fact]
    public void Found_by_fuzzing_YAML_the_parser_gives_up_on_without_a_place_is_an_error_in_its_file_not_an_exception()
    {
        var result = BundleLoader.Load(BundleSource.FromTexts(("bundle.yaml", ": [\nt")));

        Assert.Null(result.Bundle);
        Assert.Contains(result.Errors, e => e.Location.File == "bundle.yaml" && e.Message.Contains("invalid YAML", StringComparison.Ordinal));
    }
}
