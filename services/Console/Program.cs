using Exchange.Console.Hosting;
using Exchange.ServiceDefaults.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceHosting("exchange-console");
builder.AddConsole();

var app = builder.Build();
app.MapConsole();
app.MapServiceDefaults();
app.Run();

/// <summary>Visible to the tests' host.</summary>
public partial class Program;
