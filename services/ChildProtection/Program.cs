using Exchange.ChildProtection;
using Exchange.ServiceDefaults.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("exchange-childprotection");
builder.AddChildProtectionService();

var app = builder.Build();
app.MapServiceDefaults();
app.MapChildProtectionService();
app.Run();
