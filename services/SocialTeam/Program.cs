using Exchange.SocialTeam;
using Exchange.ServiceDefaults.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("exchange-socialteam");
builder.AddSocialTeamService();

var app = builder.Build();
app.MapServiceDefaults();
app.MapSocialTeamService();
app.Run();
