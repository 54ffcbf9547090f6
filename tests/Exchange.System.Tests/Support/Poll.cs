namespace Exchange.System.Tests.Support;

/// <summary>Waits for a condition with a generous deadline, checking often: never a fixed sleep.</summary>
public static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan patience, string failure)
    {
        var deadline = DateTime.UtcNow + patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{failure} (waited {patience.TotalSeconds} s)");
            await Task.Delay(100);
        }
    }

    /// <summary>The first value <paramref name="read"/> gives that is not null, within <paramref name="patience"/>.</summary>
    public static async Task<T> ForAsync<T>(Func<Task<T?>> read, TimeSpan patience, string failure)
        where T : class
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            if (await read() is { } value)
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{failure} (waited {patience.TotalSeconds} s)");
            await Task.Delay(100);
        }
    }
}
