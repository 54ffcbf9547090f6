namespace Exchange.Policy.Engine.Bundle;

/// <summary>Collects every problem of a bundle so that an editor learns all of them in one run.</summary>
internal sealed class BundleErrors
{
    private readonly List<BundleError> _items = [];

    public IReadOnlyList<BundleError> Items => _items;

    public bool Any => _items.Count > 0;

    public void Add(SourceLocation location, string message) => _items.Add(new BundleError(location, message));
}
