using System.Net;
using System.Net.Sockets;

namespace Exchange.Testing;

/// <summary>
/// Free loopback ports, for services that must know each other's address before either starts
/// (the policy service asks the index for facts; the index asks the policy service for decisions).
/// </summary>
public static class FreePorts
{
    private static readonly HashSet<int> Given = [];

    /// <summary>
    /// A free loopback port below the kernel's ephemeral range, never the same one twice in this process. A port the OS
    /// hands out (port 0) is free again once its listener closes, and until the service binds it, any outgoing
    /// connection of the tests running beside this one may take it as its source port; a CI run lost a whole
    /// fixture that way. Below the ephemeral range only another explicit choice can collide.
    /// </summary>
    public static int Next()
    {
        var below = EphemeralLow();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(10_000, below);
            lock (Given)
            {
                if (!Given.Contains(port) && IsFree(port))
                {
                    Given.Add(port);
                    return port;
                }
            }
        }

        throw new InvalidOperationException("No free loopback port below the ephemeral range.");
    }

    public static Uri NextHttp() => new($"http://127.0.0.1:{Next()}");

    /// <summary>
    /// A base port whose next <paramref name="count"/> ports are free on loopback (the launcher's layout). The range
    /// lies below the kernel's ephemeral ports, so that no port another test gets from the OS (port 0) can land in
    /// it between this check and the launcher's services binding their ports.
    /// </summary>
    public static int Range(int count)
    {
        var below = EphemeralLow();
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var basePort = Random.Shared.Next(100, (below - count) / 100) * 100;
            lock (Given)
            {
                if (Enumerable.Range(basePort, count).All(port => !Given.Contains(port) && IsFree(port)))
                {
                    Given.UnionWith(Enumerable.Range(basePort, count));
                    return basePort;
                }
            }
        }

        throw new InvalidOperationException("No free range of loopback ports.");
    }

    /// <summary>The first port of the kernel's ephemeral range (Linux), or 32768 where it cannot be read.</summary>
    private static int EphemeralLow()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32768;
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
