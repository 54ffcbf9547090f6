using System.Collections;
using System.Globalization;
using System.Reflection;

namespace Exchange.Topology.Settings;

/// <summary>
/// Writes a service's options object as the configuration keys its binder reads back (<c>Gateway:RateLimit:Burst</c>,
/// <c>Identity:Clients:2:Scopes:0</c>), so that the topology sets typed options and never spells a key itself.
/// Only what differs from a new options object is written: a process's configuration says what the topology chose.
/// </summary>
public static class SettingsWriter
{
    public static void Write(IDictionary<string, string> target, string section, object options)
    {
        var written = new Dictionary<string, string>(StringComparer.Ordinal);
        Flatten(written, section, options);
        var defaults = new Dictionary<string, string>(StringComparer.Ordinal);
        if (options.GetType().GetConstructor(Type.EmptyTypes) is { } constructor)
        {
            Flatten(defaults, section, constructor.Invoke(null));
        }

        foreach (var (key, value) in written)
        {
            if (!defaults.TryGetValue(key, out var standard) || standard != value)
            {
                target[key] = value;
            }
        }
    }

    private static void Flatten(IDictionary<string, string> target, string path, object? value)
    {
        switch (value)
        {
            case null:
                return;
            case string text:
                target[path] = text;
                return;
            case Uri uri:
                target[path] = uri.ToString();
                return;
            case bool flag:
                target[path] = flag ? "true" : "false";
                return;
            case TimeSpan span:
                target[path] = span.ToString("c", CultureInfo.InvariantCulture);
                return;
            case DateTimeOffset time:
                target[path] = time.ToString("O", CultureInfo.InvariantCulture);
                return;
            case Enum member:
                target[path] = member.ToString();
                return;
            case IFormattable number:
                target[path] = number.ToString(null, CultureInfo.InvariantCulture);
                return;
            case IDictionary map:
                foreach (DictionaryEntry entry in map)
                {
                    Flatten(target, $"{path}:{entry.Key}", entry.Value);
                }

                return;
            case IEnumerable items:
                var index = 0;
                foreach (var item in items)
                {
                    Flatten(target, $"{path}:{index++.ToString(CultureInfo.InvariantCulture)}", item);
                }

                return;
            default:
                // Settable (or init) properties only: computed ones (EndpointOptions.IsHttps) are not configuration.
                foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
                    .Where(p => p.SetMethod is not null && p.GetIndexParameters().Length == 0))
                {
                    Flatten(target, $"{path}:{property.Name}", property.GetValue(value));
                }

                return;
        }
    }
}
