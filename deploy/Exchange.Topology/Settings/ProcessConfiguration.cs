namespace Exchange.Topology.Settings;

/// <summary>
/// The configuration of one process as typed options per section (<c>Endpoint</c>, <c>Gateway</c>, …), plus the
/// few settings that belong to no options type (logging, traces). A harness changes a section with
/// <see cref="With{T}"/>; <see cref="ToSettings"/> writes configuration keys (":"), <see cref="ToEnvironment"/>
/// environment variables ("__") for a child process.
/// </summary>
public sealed class ProcessConfiguration
{
    private readonly List<(string Section, object Options)> _sections = [];
    private readonly Dictionary<string, string> _plain = new(StringComparer.Ordinal);

    public ProcessConfiguration Add(string section, object options)
    {
        _sections.RemoveAll(s => s.Section == section);
        _sections.Add((section, options));
        return this;
    }

    /// <summary>Replaces a section's options with a changed copy, e.g. <c>With&lt;GatewayOptions&gt;("Gateway", g => g with { … })</c>.</summary>
    public ProcessConfiguration With<T>(string section, Func<T, T> change)
        where T : class
    {
        var index = _sections.FindIndex(s => s.Section == section);
        if (index < 0 || _sections[index].Options is not T current)
        {
            throw new InvalidOperationException($"This process has no {typeof(T).Name} in section {section}.");
        }

        _sections[index] = (section, change(current));
        return this;
    }

    /// <summary>The options of a section, for a harness that needs to know what a process was given.</summary>
    public T Get<T>(string section)
        where T : class =>
        _sections.FirstOrDefault(s => s.Section == section).Options as T
        ?? throw new InvalidOperationException($"This process has no {typeof(T).Name} in section {section}.");

    /// <summary>Each section's options as this configuration holds them.</summary>
    public IEnumerable<(string Section, object Options)> Sections => _sections;

    /// <summary>A setting that no options type describes (e.g. <c>Logging:Console:FormatterName</c>).</summary>
    public ProcessConfiguration Set(string key, string value)
    {
        _plain[key] = value;
        return this;
    }

    public IReadOnlyDictionary<string, string> ToSettings()
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (section, options) in _sections)
        {
            SettingsWriter.Write(settings, section, options);
        }

        foreach (var (key, value) in _plain)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>The same settings as environment variables, as .NET's configuration reads them ("__" for ":").</summary>
    public IReadOnlyDictionary<string, string> ToEnvironment() =>
        ToSettings().ToDictionary(e => e.Key.Replace(":", "__", StringComparison.Ordinal), e => e.Value, StringComparer.Ordinal);
}
