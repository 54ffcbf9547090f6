namespace Exchange.Policy.Tests.Support;

/// <summary>A directory of its own for a test that needs real files; removed afterwards.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"policy-test-{Guid.NewGuid():N}");

    public void Write(string relativePath, string text)
    {
        var full = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }

    /// <summary>A copy of a bundle directory's files, for a test to change.</summary>
    public static TempDirectory CopyOf(string directory)
    {
        var copy = new TempDirectory();
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            copy.Write(System.IO.Path.GetRelativePath(directory, file), File.ReadAllText(file));
        }

        return copy;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
