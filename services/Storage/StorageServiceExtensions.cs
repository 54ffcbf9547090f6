using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Exchange.Storage;

public static class StorageServiceExtensions
{
    /// <summary>
    /// Binds <see cref="StorageOptions"/> (checked at start: a wrong setting stops the service, naming it) and
    /// returns them as configured now, for registrations that depend on the provider.
    /// </summary>
    public static StorageOptions AddStorageOptions(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(StorageOptions.Section);
        services.AddSingleton<IValidateOptions<StorageOptions>, Validator>();
        services.AddOptions<StorageOptions>().Bind(section).ValidateOnStart();
        return section.Get<StorageOptions>() ?? new StorageOptions();
    }

    private sealed class Validator : IValidateOptions<StorageOptions>
    {
        public ValidateOptionsResult Validate(string? name, StorageOptions options)
        {
            var failures = options.Validate().ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
