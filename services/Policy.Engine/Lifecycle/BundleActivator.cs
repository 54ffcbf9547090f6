using Exchange.Policy.Engine.Bundle;
using Exchange.Policy.Engine.Testing;

namespace Exchange.Policy.Engine.Lifecycle;

/// <summary>
/// Decides whether a bundle may become active: it must load (syntax, references, compilation) and every one of
/// its own test cases must pass. A failing case is reported as an error at the case's position in its file.
/// </summary>
public static class BundleActivator
{
    public static BundleLoadResult Prepare(BundleSource source)
    {
        var loaded = BundleLoader.Load(source);
        if (loaded.Bundle is not { } bundle)
        {
            return loaded;
        }

        var report = BundleTestRunner.Run(bundle);
        if (report.AllPassed)
        {
            return loaded;
        }

        return new BundleLoadResult(
            null,
            [.. report.Results.Where(r => !r.Passed).Select(r => new BundleError(r.Case.Location, $"test case '{r.Case.Name}' failed: {string.Join("; ", r.Failures)}"))]);
    }

    /// <summary>Reads a directory into a source, turning an unreadable file into an error rather than an exception.</summary>
    public static BundleLoadResult Prepare(string directory) => Prepare(() => BundleSource.FromDirectory(directory), directory);

    /// <summary>Composes a source (e.g. a directory and what the host adds), turning an unreadable file into an error.</summary>
    public static BundleLoadResult Prepare(Func<BundleSource> compose, string displayRoot)
    {
        try
        {
            return Prepare(compose());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new BundleLoadResult(null, [new BundleError(SourceLocation.OfFile(displayRoot), $"cannot read the bundle: {e.Message}")]);
        }
    }
}
