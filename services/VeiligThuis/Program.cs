using Exchange.VeiligThuis;
using Exchange.ServiceDefaults.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("exchange-veiligthuis");
builder.AddVeiligThuisService();

var app = builder.Build();
app.MapServiceDefaults();
app.MapVeiligThuisService();
app.Run();
