using Exchange.ServiceDefaults.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("exchange-identity");

var app = builder.Build();
app.MapServiceDefaults();
app.Run();
