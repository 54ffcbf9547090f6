using System.CommandLine;

var root = new RootCommand("exchange: the Need-to-Know Exchange command line for integrators and privacy officers");
root.Subcommands.Add(Exchange.Cli.Policy.PolicyCommand.Create());
root.Subcommands.Add(Exchange.Cli.Ledger.LedgerCommand.Create());
root.Subcommands.Add(Exchange.Cli.Pki.PkiCommand.Create());
root.Subcommands.Add(Exchange.Cli.Partner.PartnerCommand.Create());
return root.Parse(args).Invoke();
