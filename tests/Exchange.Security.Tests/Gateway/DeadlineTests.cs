using Exchange.Gateway;
using Exchange.Gateway.Limits;

namespace Exchange.Security.Tests.Gateway;

/// <summary>Every call the gateway forwards carries a deadline, never a longer one than the gateway allows.</summary>
public sealed class DeadlineTests
{
    private static readonly DeadlineOptions Deadlines = new()
    {
        Default = TimeSpan.FromSeconds(30),
        Max = TimeSpan.FromSeconds(60),
        MaxStreaming = TimeSpan.FromMinutes(15),
    };

    [Theory]
    [InlineData("", false, 30_000)]
    [InlineData("5S", false, 5_000)]
    [InlineData("250m", false, 250)]
    [InlineData("2M", false, 60_000)]
    [InlineData("99999999H", false, 60_000)]
    [InlineData("nonsense", false, 30_000)]
    [InlineData("", true, 900_000)]
    [InlineData("1H", true, 900_000)]
    [InlineData("30S", true, 30_000)]
    public void A_call_gets_its_own_deadline_within_the_limit_or_the_default(string requested, bool streaming, int expectedMilliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), DeadlineMiddleware.Apply(requested, streaming, Deadlines));
    }
}
