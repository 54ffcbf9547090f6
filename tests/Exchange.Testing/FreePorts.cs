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
}
