using System.Net;
using System.Net.Sockets;

namespace Exchange.Testing;

/// <summary>
/// Free loopback ports, for services that must know each other's address before either starts
/// (the policy service asks the index for facts; the index asks the policy service for decisions).
/// </summary>
public static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static Uri NextHttp() => new($"http://127.0.0.1:{Next()}");

    /// <summary>A base port whose next <paramref name="count"/> ports are free on loopback (the launcher's layout).</summary>
    public static int Range(int count)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var basePort = Random.Shared.Next(200, 400) * 100;
            if (Enumerable.Range(basePort, count).All(IsFree))
            {
                return basePort;
            }
        }

        throw new InvalidOperationException("No free range of loopback ports.");
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
