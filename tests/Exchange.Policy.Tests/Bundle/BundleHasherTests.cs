using Exchange.Policy.Engine.Bundle;
using Exchange.Policy.Tests.Support;

namespace Exchange.Policy.Tests.Bundle;

public sealed class BundleHasherTests
{
    [Fact]
    public void The_hash_is_hex_sha256_and_the_same_for_the_same_files()
    {
        var first = TestBundle.Compile(TestBundle.PoliceToVtRule);
        var second = TestBundle.Compile(TestBundle.PoliceToVtRule);

        Assert.Matches("^[0-9a-f]{64}$", first.Hash);
        Assert.Equal(first.Hash, second.Hash);
    }

    [Fact]
    public void Any_change_to_a_file_changes_the_hash()
    {
        var before = TestBundle.Compile(TestBundle.PoliceToVtRule);
        var after = TestBundle.Compile(TestBundle.PoliceToVtRule + "\n# a reviewed comment\n");

        Assert.NotEqual(before.Hash, after.Hash);
    }

    [Fact]
    public void Moving_content_from_one_file_to_another_changes_the_hash()
    {
        var one = BundleHasher.Hash([BundleFile.FromText("a.yaml", "x: 1\ny: 2\n")]);
        var two = BundleHasher.Hash([BundleFile.FromText("a.yaml", "x: 1\n"), BundleFile.FromText("b.yaml", "y: 2\n")]);

        Assert.NotEqual(one, two);
    }

    [Fact]
    public void The_hash_does_not_depend_on_where_the_bundle_lives_or_the_order_files_are_listed()
    {
        using var left = new TempDirectory();
        using var right = new TempDirectory();
        foreach (var dir in new[] { left, right })
        {
            dir.Write("base.yaml", TestBundle.Base);
            dir.Write("rules/r.yaml", TestBundle.PoliceToVtRule);
        }

        var fromDisk = BundleHasher.Hash(BundleSource.FromDirectory(left.Path).Files);

        Assert.Equal(fromDisk, BundleHasher.Hash(BundleSource.FromDirectory(right.Path).Files.Reverse()));
        Assert.Equal(fromDisk, BundleHasher.Hash([BundleFile.FromText("rules/r.yaml", TestBundle.PoliceToVtRule), BundleFile.FromText("base.yaml", TestBundle.Base)]));
    }
}
