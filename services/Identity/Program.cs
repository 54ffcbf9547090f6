using Exchange.Identity;
using Exchange.ServiceDefaults.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceHosting("exchange-identity");
builder.AddIdentityService();

var app = builder.Build();
app.MapServiceDefaults();
app.MapIdentityService();
app.Run();
