using System.Diagnostics;
using Exchange.Local.Launcher;
using Exchange.Testing;

namespace Exchange.Edge.Tests.Launcher;

/// <summary>One service process as the launcher keeps it: its end is reported with the reason, never as a launcher crash.</summary>
public sealed class ChildProcessTests
{
    [Fact]
    public async Task A_service_whose_log_cannot_be_written_is_reported_stopped_with_the_reason_and_is_stopped()
    {
        // /dev/full answers every write with "no space left on device", as a full disk does.
        var child = ChildProcess.Start("noisy", Command("echo one; echo two; exec sleep 60"), "/dev/full");
        var pid = child.Id;
        string reason;
        await using (child)
        {
            reason = await child.Stopped.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        }

        Assert.StartsWith("its log cannot be written", reason, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Process.GetProcessById(pid));
    }

    [Fact]
    public async Task A_service_that_exits_is_reported_with_its_exit_code_however_often_it_is_asked()
    {
        using var logs = new TempDirectory("exchange-child");
        await using var child = ChildProcess.Start("short", Command("exit 3"), logs.File("short.log"));

        var first = await child.Stopped.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Same(child.Exited, child.Exited);
        Assert.Equal("exit code 3", first);
        Assert.Equal("exit code 3", await child.Stopped);
    }

    private static ProcessStartInfo Command(string script) => new("sh") { ArgumentList = { "-c", script } };
}
