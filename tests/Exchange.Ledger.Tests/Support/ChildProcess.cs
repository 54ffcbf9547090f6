using System.Diagnostics;
using System.Reflection;

namespace Exchange.Ledger.Tests.Support;

/// <summary>Runs a built .NET program of this repository (located through assembly metadata) as a child process.</summary>
internal static class ChildProcess
{
    public static string DllPath(string key)
    {
        var path = typeof(ChildProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
        Assert.True(File.Exists(path), $"{path} was not built");
        return path;
    }

    public static Process Start(string key, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(DllPath(key));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("The child process did not start.");
    }

    /// <summary>Runs to completion (bounded) and returns exit code and output.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string key, params string[] arguments)
    {
        using var process = Start(key, arguments);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
