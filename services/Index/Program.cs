using Exchange.Index;
using Exchange.ServiceDefaults.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("exchange-index");
builder.AddIndexService();

var app = builder.Build();
app.MapServiceDefaults();
app.MapIndexService();
app.Run();
