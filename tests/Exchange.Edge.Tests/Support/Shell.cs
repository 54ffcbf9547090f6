using System.Diagnostics;
using Exchange.Testing;

namespace Exchange.Edge.Tests.Support;

/// <summary>What a script printed and how it ended.</summary>
public sealed record ShellResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>
/// Runs bash scripts from the repository root, the way an integrator would type them, with the tools test.sh
/// installs (.tools/: buf, @grpc/grpc-js) on the path.
/// </summary>
public static class Shell
{
    public static string Tools => Repository.Path(".tools", "node_modules");

    /// <summary>Skips the test, visibly, when Node.js is not installed (test.sh installs it, so CI runs these).</summary>
    public static void RequireNodeAndBuf()
    {
        if (!OnPath("node"))
        {
            Assert.Skip("Node.js is not installed (./test.sh installs it): the grpc-js and buf curl tests need it.");
        }

        Assert.True(File.Exists(Path.Combine(Tools, ".bin", "buf")), "buf is missing from .tools/: run ./test.sh (it installs it)");
        Assert.True(Directory.Exists(Path.Combine(Tools, "@grpc", "grpc-js")), "@grpc/grpc-js is missing from .tools/: run ./test.sh (it installs it)");
    }

    public static async Task<ShellResult> RunAsync(string script, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList = { "-c", script },
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["PATH"] = $"{Path.Combine(Tools, ".bin")}:{Environment.GetEnvironmentVariable("PATH")}";
        start.Environment["NODE_PATH"] = Tools;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the script did not finish:\n{script}");
        }

        return new ShellResult(process.ExitCode, await output, await error);
    }

    private static bool OnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(d => File.Exists(Path.Combine(d, command)));
}
