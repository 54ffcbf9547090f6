using System.Text;

namespace Exchange.Policy.Engine.Bundle;

/// <summary>One file of a bundle: its path relative to the bundle's root ("rules/police.yaml") and its bytes.</summary>
public sealed record BundleFile(string Path, ReadOnlyMemory<byte> Content)
{
    public static BundleFile FromText(string path, string text) => new(path, Encoding.UTF8.GetBytes(text));
}

/// <summary>
/// The files of a bundle as read at one moment. <see cref="DisplayRoot"/> prefixes paths in error messages so an
/// operator sees "policies/rules/police.yaml"; the content hash uses the relative paths only.
/// </summary>
public sealed record BundleSource(string DisplayRoot, IReadOnlyList<BundleFile> Files)
{
    private static readonly string[] Extensions = [".yaml", ".yml"];

    /// <summary>Every YAML file below <paramref name="directory"/>, in ordinal order of path.</summary>
    public static BundleSource FromDirectory(string directory)
    {
        var root = System.IO.Path.GetFullPath(directory);
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => Extensions.Contains(System.IO.Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Select(f => new BundleFile(System.IO.Path.GetRelativePath(root, f).Replace('\\', '/'), File.ReadAllBytes(f)))
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .ToList();
        return new BundleSource(directory, files);
    }

    /// <summary>An in-memory bundle, e.g. for a test: (path, YAML text) pairs.</summary>
    public static BundleSource FromTexts(params (string Path, string Text)[] files) =>
        new(string.Empty, [.. files.Select(f => BundleFile.FromText(f.Path, f.Text)).OrderBy(f => f.Path, StringComparer.Ordinal)]);

    /// <summary>This source and one more file (e.g. one the host writes from the partner registry).</summary>
    public BundleSource With(BundleFile file) =>
        new(DisplayRoot, [.. Files.Where(f => f.Path != file.Path).Append(file).OrderBy(f => f.Path, StringComparer.Ordinal)]);

    public string DisplayPathOf(BundleFile file) =>
        DisplayRoot.Length == 0 ? file.Path : System.IO.Path.Join(DisplayRoot, file.Path).Replace('\\', '/');
}
