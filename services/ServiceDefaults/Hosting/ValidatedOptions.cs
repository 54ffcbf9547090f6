using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Exchange.ServiceDefaults.Hosting;

/// <summary>
/// Options bound from a configuration section and checked when the host starts: a service with a wrong
/// setting does not start, and says which setting is wrong and why.
/// </summary>
public static class ValidatedOptions
{
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, IConfiguration section, Func<T, IEnumerable<string>> validate)
        where T : class
    {
        services.AddSingleton<IValidateOptions<T>>(new Validator<T>(validate));
        return services.AddOptions<T>().Bind(section).ValidateOnStart();
    }

    private sealed class Validator<T>(Func<T, IEnumerable<string>> validate) : IValidateOptions<T>
        where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var failures = validate(options).ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
