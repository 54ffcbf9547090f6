using Exchange.ServiceDefaults.Errors;
using Microsoft.Extensions.Options;

namespace Exchange.Node.Hosting;

/// <summary>The organisations this node holds data for, and its domain.</summary>
public sealed class NodeContext(IOptions<NodeOptions> options, NodeDomain domain)
{
    private readonly HashSet<string> _hosted = new(options.Value.Organisations, StringComparer.Ordinal);

    public NodeDomain Domain { get; } = domain;

    public NodeOptions Options { get; } = options.Value;

    public bool Hosts(string organisationId) => _hosted.Contains(organisationId);

    /// <summary>Answers <c>NotFound</c> when this node does not hold the organisation's data.</summary>
    public void RequireHosted(string organisationId)
    {
        if (!Hosts(organisationId))
        {
            RpcErrors.NotFound(ReasonCodes.UnknownHolder, $"This {Domain.Domain} service does not hold data for organisation '{organisationId}'.");
        }
    }
}
