using Exchange.Policy;
using Exchange.ServiceDefaults.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("exchange-policy");
builder.AddPolicyService();

var app = builder.Build();
app.MapServiceDefaults();
app.MapPolicyService();
app.Run();
