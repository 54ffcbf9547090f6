using System.CommandLine;
using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Witness;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using static Exchange.Cli.Ledger.LedgerCommand;

namespace Exchange.Cli.Ledger;

/// <summary>
/// <c>exchange ledger witness</c>: a small C2SP tlog-witness for the ledger's checkpoints, run by a partner or the
/// supervising authority. It keeps the latest checkpoint it cosigned in <c>--state</c> and refuses a rollback or a fork.
/// </summary>
internal static class LedgerWitnessCommand
{
    public static Command Create()
    {
        var name = new Option<string>("--name") { Description = "The witness's key name, e.g. witness.ap.nl.", Required = true };
        var key = new Option<FileInfo>("--key") { Description = "The witness's key file; created (mode 0600) when missing.", Required = true };
        var state = new Option<DirectoryInfo>("--state") { Description = "Where the latest cosigned checkpoint of each log is kept.", Required = true };
        var logKeys = new Option<string[]>("--log-key")
        {
            Description = "A ledger's verifier key (name+keyid+base64key) or a file holding it; give one per log witnessed.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var listen = new Option<string>("--listen") { Description = "The address to serve on.", DefaultValueFactory = _ => "http://127.0.0.1:0" };
        var command = new Command("witness",
            "Serve POST /add-checkpoint (C2SP tlog-witness): cosign a ledger checkpoint only when it consistently extends the last one cosigned.")
        {
            name, key, state, logKeys, listen,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            WitnessKey witnessKey;
            LedgerWitness witness;
            try
            {
                witnessKey = WitnessKey.LoadOrCreate(parse.GetValue(key)!.FullName, parse.GetValue(name)!);
                witness = new LedgerWitness(witnessKey, parse.GetValue(logKeys)!.Select(k => ReadKey(k)!), parse.GetValue(state)!.FullName, TimeProvider.System);
            }
            catch (Exception exception) when (exception is FormatException or InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"error: {exception.Message}");
                return CouldNotRun;
            }

            using (witnessKey)
            {
                var builder = WebApplication.CreateSlimBuilder();
                builder.Logging.ClearProviders();
                builder.WebHost.UseUrls(parse.GetValue(listen)!);
                await using var app = builder.Build();
                app.MapLedgerWitness(witness);
                await app.StartAsync(cancellationToken);
                var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
                Console.Out.WriteLine($"witness {witnessKey.Name} listening on {address}");
                Console.Out.WriteLine($"verifier key: {witnessKey.VerifierKey}");
                await app.WaitForShutdownAsync(cancellationToken);
                return 0;
            }
        });
        return command;
    }
}
