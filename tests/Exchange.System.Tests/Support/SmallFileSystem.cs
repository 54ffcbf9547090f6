using System.Diagnostics;

namespace Exchange.System.Tests.Support;

/// <summary>
/// A file system of a few megabytes (tmpfs) that a test can fill to the last byte and free again: a full disk under
/// the ledger, without touching the machine's own disks. Mounting needs root (CAP_SYS_ADMIN), which CI's container
/// has; where it is missing, <see cref="TryMount"/> says why, and the test that needs it says so as it skips.
/// </summary>
public sealed class SmallFileSystem : IDisposable
{
    private const int Chunk = 4096;

    private SmallFileSystem(string path) => Path = path;

    public string Path { get; }

    private string Filler => global::System.IO.Path.Combine(Path, "filler");

    public static SmallFileSystem? TryMount(int megabytes, out string whyNot)
    {
        var path = Directory.CreateTempSubdirectory("exchange-small-fs-").FullName;
        var (exitCode, output) = Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m,mode=0700", "tmpfs", path);
        if (exitCode == 0)
        {
            whyNot = string.Empty;
            return new SmallFileSystem(path);
        }

        Directory.Delete(path);
        whyNot = $"a small tmpfs could not be mounted (needs root with CAP_SYS_ADMIN): {output.Trim()}";
        return null;
    }

    /// <summary>Writes a filler file until the file system refuses another byte.</summary>
    public void Fill()
    {
        using var filler = new FileStream(Filler, FileMode.Append, FileAccess.Write, FileShare.None, bufferSize: 1);
        var block = new byte[Chunk];
        try
        {
            while (true)
            {
                filler.Write(block);
                filler.Flush();
            }
        }
        catch (IOException)
        {
            // Full. Top up what a whole block no longer fits in, a byte at a time.
        }

        try
        {
            for (var i = 0; i < Chunk; i++)
            {
                filler.WriteByte(0);
                filler.Flush();
            }
        }
        catch (IOException)
        {
            // Now not a byte more fits.
        }
    }

    /// <summary>Space returns: the filler is removed.</summary>
    public void Free() => File.Delete(Filler);

    public void Dispose()
    {
        // Lazily: a service that still has a file open there must not keep the mount behind.
        Run("umount", "-l", Path);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static (int ExitCode, string Output) Run(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit(30_000);
            return (process.HasExited ? process.ExitCode : -1, output);
        }
        catch (global::System.ComponentModel.Win32Exception exception)
        {
            return (-1, exception.Message);
        }
    }
}
