using System.Text;
using Exchange.Registry.Client.PartnerFiles;
using Exchange.Testing;

namespace Exchange.Registry.Tests.PartnerFiles;

/// <summary>
/// A partner file comes from an integrator's editor: for any bytes the reader returns an application or the problems
/// it found, each with its place; it never throws and never hangs.
/// </summary>
public sealed class PartnerFileFuzzTests
{
    [Fact]
    public void Any_bytes_read_as_an_application_or_as_located_problems_never_as_an_exception()
    {
        var directory = Repository.Path("deploy", "partners");
        var samples = Directory.GetFiles(directory, "*.yaml").Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();

        var tried = Fuzz.Run(samples, input =>
        {
            var file = PartnerFileReader.Parse(Encoding.UTF8.GetString(input), "fuzzed.yaml", directory, requireCertificate: false);
            if (file.Errors.Any(e => e.Line < 1 || e.Column < 1 || string.IsNullOrEmpty(e.Field)))
            {
                throw new InvalidOperationException("a problem without its line, column or field");
            }
        }, _ => false);

        Assert.True(tried > 0);
    }

    [Fact]
    public void Found_by_fuzzing_YAML_the_parser_gives_up_on_without_a_place_is_a_yaml_problem_not_an_exception()
    {
        var file = PartnerFileReader.Parse(": [\nt", "broken.yaml", Repository.Path("deploy", "partners"), requireCertificate: false);

        var problem = Assert.Single(file.Errors, e => e.Field == "(yaml)");
        Assert.True(problem.Line >= 1 && problem.Column >= 1);
    }

    [Theory]
    [InlineData("'': x\nid: swt-tilburg\n")]
    public void Found_by_fuzzing_an_empty_key_is_named_as_a_key_at_its_place(string text)
    {
        var file = PartnerFileReader.Parse(text, "keys.yaml", Repository.Path("deploy", "partners"), requireCertificate: false);

        var problem = Assert.Single(file.Errors, e => e.Message.StartsWith("unknown key", StringComparison.Ordinal));
        Assert.Equal("(key)", problem.Field);
        Assert.Equal((1, 1), (problem.Line, problem.Column));
    }

    [Fact]
    public void Found_by_fuzzing_YAML_the_parser_refuses_with_an_argument_exception_is_a_yaml_problem_too()
    {
        var text = Encoding.UTF8.GetString(File.ReadAllBytes(Repository.Path("tests", "fuzz-findings", "unsupported-event.yaml.bin")));

        var file = PartnerFileReader.Parse(text, "broken.yaml", Repository.Path("deploy", "partners"), requireCertificate: false);

        Assert.Contains(file.Errors, e => e.Field == "(yaml)");
    }
}
