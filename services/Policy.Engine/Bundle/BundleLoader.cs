using Exchange.Policy.Engine.Compilation;
using Exchange.Policy.Engine.Evaluation;

namespace Exchange.Policy.Engine.Bundle;

/// <summary>A compiled bundle, or every reason it could not be loaded.</summary>
public sealed record BundleLoadResult(CompiledBundle? Bundle, IReadOnlyList<BundleError> Errors)
{
    public bool Succeeded => Bundle is not null;
}

/// <summary>
/// Reads, validates and compiles a bundle: YAML syntax, keys, enum names, unique ids, references, then the
/// indexed tables. It does not run the bundle's own test cases; activation does (see Lifecycle).
/// </summary>
public static class BundleLoader
{
    public static BundleLoadResult Load(string directory)
    {
        BundleSource source;
        try
        {
            source = BundleSource.FromDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new BundleLoadResult(null, [new BundleError(SourceLocation.OfFile(directory), $"cannot read the bundle: {e.Message}")]);
        }

        return Load(source);
    }

    public static BundleLoadResult Load(BundleSource source)
    {
        var errors = new BundleErrors();
        if (CompiledBundle.CategorySlots > DenialBuffer.Length)
        {
            errors.Add(SourceLocation.OfFile(source.DisplayRoot), $"the contracts define {CompiledBundle.CategorySlots - 1} data categories; this engine holds at most {DenialBuffer.Length - 1}");
            return new BundleLoadResult(null, errors.Items);
        }

        if (source.Files.Count == 0)
        {
            errors.Add(SourceLocation.OfFile(source.DisplayRoot), "the bundle has no .yaml files");
            return new BundleLoadResult(null, errors.Items);
        }

        var draft = BundleParser.Parse(source, errors);
        var bundle = BundleValidator.Validate(source, draft, errors);
        var compiled = bundle is null ? null : BundleCompiler.Compile(bundle, errors);
        return new BundleLoadResult(errors.Any ? null : compiled, errors.Items);
    }
}
