using Exchange.Gateway;
using Exchange.ServiceDefaults.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("exchange-gateway");
builder.AddGateway();

var app = builder.Build();
app.MapGrpcHealthChecksService();
app.MapGateway();
app.Run();
