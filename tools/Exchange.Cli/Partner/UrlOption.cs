using System.CommandLine;

namespace Exchange.Cli.Partner;

/// <summary>An option whose value is an absolute http or https URL; anything else is a usage error naming the option.</summary>
public static class UrlOption
{
    public static Option<Uri?> Create(string name, string description, bool recursive = false) => new(name)
    {
        Description = description,
        Recursive = recursive,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            {
                return uri;
            }

            result.AddError($"{name} must be an absolute http or https URL, not '{text}'.");
            return null;
        },
    };
}
