using Exchange.Registry;
using Exchange.ServiceDefaults.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("exchange-registry");
builder.AddRegistryService();

var app = builder.Build();
app.MapServiceDefaults();
app.MapRegistryService();
app.Run();
