namespace Exchange.Policy.Engine.Bundle;

/// <summary>Where something is written in a bundle: the file as the operator knows it, 1-based line and column (0 when unknown).</summary>
public sealed record SourceLocation(string File, int Line, int Column)
{
    public static SourceLocation OfFile(string file) => new(file, 0, 0);

    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}" : File;
}

/// <summary>One problem that stops a bundle from becoming active.</summary>
public sealed record BundleError(SourceLocation Location, string Message)
{
    public override string ToString() => $"{Location}: {Message}";
}
