namespace Exchange.Registry.Changes;

/// <summary>
/// Tells the open watches that the registry changed. A change made by this instance wakes them at once; changes
/// made by another instance (PostgreSQL) are found by the watches' own periodic look at the store's revision.
/// </summary>
public sealed class RegistryChanges
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next change after this call.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Notify() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
