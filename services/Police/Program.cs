using Exchange.Police;
using Exchange.ServiceDefaults.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("exchange-police");
builder.AddPoliceService();

var app = builder.Build();
app.MapServiceDefaults();
app.MapPoliceService();
app.Run();
