namespace Exchange.Policy.Tests.Support;

/// <summary>Finds files of the repository the tests run in (the default bundle, its schema).</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PoliciesDirectory => Path.Combine(Root, "policies");

    public static string SchemaFile => Path.Combine(PoliciesDirectory, "schema", "policy-bundle.schema.json");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Exchange.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Exchange.sln above {AppContext.BaseDirectory}");
    }
}
