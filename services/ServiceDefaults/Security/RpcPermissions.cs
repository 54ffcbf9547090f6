using System.Collections.Frozen;
using System.Reflection;
using Exchange.Contracts.V1;
using Google.Protobuf.Reflection;

namespace Exchange.ServiceDefaults.Security;

/// <summary>
/// The one table of who may call what, derived from the contracts: each RPC declares its rule as the method
/// option <c>exchange.v1.access</c> (or its service's <c>exchange.v1.default_access</c>). The gateway authorizes
/// every call with it, and every service authorizes the same call again (defence in depth). An RPC without a
/// rule is refused everywhere; a test fails when a contract gains one.
/// </summary>
public static class RpcPermissions
{
    private const string Health = "grpc.health.v1.Health";

    private static readonly string[] ReflectionServices =
    [
        "grpc.reflection.v1alpha.ServerReflection",
        "grpc.reflection.v1.ServerReflection",
    ];

    /// <summary>Every RPC of every contract compiled into Exchange.Contracts.</summary>
    public static IReadOnlyList<MethodDescriptor> ContractMethods { get; } = [.. ContractFiles()
        .SelectMany(f => f.Services)
        .SelectMany(s => s.Methods)
        .OrderBy(m => m.FullName, StringComparer.Ordinal)];

    /// <summary>The rules the contracts declare, one per RPC that declares one.</summary>
    public static IReadOnlyList<RpcRule> Rules { get; } = [.. ContractMethods.Select(Derive).OfType<RpcRule>()];

    private static readonly FrozenDictionary<string, RpcRule> ByPath = Rules.ToFrozenDictionary(r => r.Path, StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, MethodDescriptor> MethodsByPath =
        ContractMethods.ToFrozenDictionary(m => $"/{m.Service.FullName}/{m.Name}", StringComparer.Ordinal);

    /// <summary>
    /// The rule for a call path, or null: an unknown RPC is refused. Besides the contracts' RPCs: health checks
    /// are operational, and server reflection is for any authenticated partner (the gateway lists only what
    /// partners may call).
    /// </summary>
    public static RpcRule? Find(string path)
    {
        if (ByPath.TryGetValue(path, out var rule))
        {
            return rule;
        }

        var service = ServiceOf(path);
        if (service == Health)
        {
            return new RpcRule(Health, MethodOf(path), RpcExposure.Operational, Streaming: MethodOf(path) == "Watch");
        }

        return ReflectionServices.Contains(service, StringComparer.Ordinal)
            ? new RpcRule(service, MethodOf(path), RpcExposure.Partner, Holder: HolderRule.None, Streaming: true, ClientStreaming: true)
            : null;
    }

    /// <summary>The contract method of a call path, or null when the path names none.</summary>
    public static MethodDescriptor? Method(string path) => MethodsByPath.GetValueOrDefault(path);

    /// <summary>"exchange.v1.Signals" of "/exchange.v1.Signals/Publish".</summary>
    public static string ServiceOf(string path)
    {
        var trimmed = path.TrimStart('/');
        var slash = trimmed.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? trimmed : trimmed[..slash];
    }

    private static string MethodOf(string path) => path[(path.LastIndexOf('/') + 1)..];

    /// <summary>The method's own rule, else its service's default; null when neither declares a usable one.</summary>
    private static RpcRule? Derive(MethodDescriptor method)
    {
        var methodOptions = method.GetOptions();
        var serviceOptions = method.Service.GetOptions();
        var access = methodOptions?.HasExtension(AccessExtensions.Access) == true
            ? methodOptions.GetExtension(AccessExtensions.Access)
            : serviceOptions?.HasExtension(AccessExtensions.DefaultAccess) == true
                ? serviceOptions.GetExtension(AccessExtensions.DefaultAccess)
                : null;
        if (access is null || access.Exposure == RpcExposure.Unspecified)
        {
            return null;
        }

        return new RpcRule(
            method.Service.FullName,
            method.Name,
            access.Exposure,
            access.Scope.Length > 0 ? access.Scope : null,
            [.. access.CallerDomains],
            access.Holder == HolderRule.Unspecified ? HolderRule.None : access.Holder,
            method.IsServerStreaming,
            method.IsClientStreaming,
            [.. access.InternalCallers]);
    }

    /// <summary>The generated file descriptors of the contracts (each <c>*Reflection.Descriptor</c>).</summary>
    private static IEnumerable<FileDescriptor> ContractFiles() =>
        typeof(AccessReflection).Assembly.GetTypes()
            .Select(t => t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static))
            .Where(p => p?.PropertyType == typeof(FileDescriptor))
            .Select(p => (FileDescriptor)p!.GetValue(null)!);
}
