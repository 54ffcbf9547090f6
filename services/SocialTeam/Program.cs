using Exchange.ServiceDefaults.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("exchange-socialteam");

var app = builder.Build();
app.MapServiceDefaults();
app.Run();
