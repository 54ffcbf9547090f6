using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Exchange.Ledger.Witness;

public static class WitnessHostingExtensions
{
    /// <summary>
    /// A witness service: <see cref="WitnessOptions"/> from the <c>Witness</c> section (the host does not start without
    /// them), its key loaded or created, and <see cref="LedgerWitness"/> over its state directory.
    /// </summary>
    public static WebApplicationBuilder AddLedgerWitness(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(WitnessOptions.Section).Get<WitnessOptions>() ?? new WitnessOptions();
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(WitnessOptions.Section, typeof(WitnessOptions), errors);
        }

        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.AddSingleton(_ => WitnessKey.LoadOrCreate(options.KeyPath, options.Name));
        builder.Services.AddSingleton(sp => new LedgerWitness(
            sp.GetRequiredService<WitnessKey>(), options.LogVerifierKeys, options.StateDirectory, sp.GetRequiredService<TimeProvider>()));
        return builder;
    }

    /// <summary>Maps <c>POST /add-checkpoint</c> (see <see cref="WitnessEndpoints"/>).</summary>
    public static WebApplication MapLedgerWitness(this WebApplication app)
    {
        app.MapLedgerWitness(app.Services.GetRequiredService<LedgerWitness>());
        return app;
    }
}
