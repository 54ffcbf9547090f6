using Exchange.Ledger.Witness;
using Exchange.ServiceDefaults.Hosting;

// The launcher's witness (C2SP tlog-witness): cosigns the ledger's checkpoints only as they grow consistently.
// The same witness as `exchange ledger witness`, hosted as an exchange service (configuration, health, parent watch).
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceHosting("exchange-witness");
builder.AddLedgerWitness();

var app = builder.Build();
app.MapServiceDefaults();
app.MapLedgerWitness();
app.Run();
