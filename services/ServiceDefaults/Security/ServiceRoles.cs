using Exchange.Contracts.V1;
using Google.Protobuf.Reflection;

namespace Exchange.ServiceDefaults.Security;

/// <summary>The names of <see cref="ServiceRole"/> as the identity service writes them into tokens: NODE, INDEX, …</summary>
public static class ServiceRoles
{
    private const string Prefix = "SERVICE_ROLE_";

    public static string ToName(ServiceRole role) =>
        AccessReflection.Descriptor.FindTypeByName<EnumDescriptor>("ServiceRole").FindValueByNumber((int)role) is { } value ? value.Name[Prefix.Length..] : throw new ArgumentOutOfRangeException(nameof(role));

    /// <summary>The role a name gives, or Unspecified for none or an unknown one (which no internal rule grants).</summary>
    public static ServiceRole Parse(string? name) =>
        name is { Length: > 0 } && AccessReflection.Descriptor.FindTypeByName<EnumDescriptor>("ServiceRole").FindValueByName(Prefix + name) is EnumValueDescriptor value && value.Number != 0
            ? (ServiceRole)value.Number
            : ServiceRole.Unspecified;
}
