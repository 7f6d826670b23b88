using JsonApiInvites.Api.Auth;
using JsonApiInvites.Api.Cli;
using JsonApiInvites.Api.Configuration;
using JsonApiInvites.Api.Docs;
using JsonApiInvites.Api.Edge;
using JsonApiInvites.Api.Email;
using JsonApiInvites.Api.Health;
using JsonApiInvites.Api.Invitations;
using JsonApiInvites.Api.Invitees;
using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Api.Memberships;
using JsonApiInvites.Api.Observability;
using JsonApiInvites.Api.OpenApi;
using JsonApiInvites.Api.RateLimiting;
using JsonApiInvites.Api.Versioning;
using JsonApiInvites.Persistence;

SettingsFileWatching.UsePolling();
var builder = WebApplication.CreateBuilder(args);
ShippedSettings.Load(builder);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = RequestLimits.MaxBodyBytes);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddHostedService<NativeHeapTrimming>();
builder.Services.AddPersistence(builder.Configuration);
builder.Services.AddJsonApi();
builder.Services.AddDatedApiVersioning();
builder.Services.AddTokenAuth();
builder.Services.AddInvitations(builder.Configuration);
builder.Services.AddMemberships();
builder.Services.AddApiRateLimiting(builder.Configuration);
builder.Services.AddInvitationEmail(builder.Configuration);
builder.Services.AddEdge(builder.Configuration);
builder.AddObservability();

var cli = ManagementCli.IsCommand(args);
if (cli)
{
    // A verb's standard output is its JSON alone: log lines (the migrations it applied) go to standard error.
    builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
}

await using var app = builder.Build();
if (cli)
{
    return await ManagementCli.RunAsync(app.Services, args, Console.Out, Console.Error);
}

// Before the server listens: settings it cannot run with, or a database it cannot open, stop it with one line.
if ((SettingsCheck.FirstProblem(app.Services) ?? ApiRateLimiting.CheckConfiguration(app.Services) ?? await DatabaseStartup.PrepareAsync(app.Services, CancellationToken.None)) is { } problem)
{
    await Console.Error.WriteLineAsync(problem);
    return 1;
}

app.UseRequestLog();
app.UseMiddleware<HeadRequestMiddleware>();
app.UseJsonApiErrors();
app.UseMetricsPort();
app.UseEdge();
app.UseApiRateLimiting();
app.UseMiddleware<ContentNegotiationMiddleware>();
app.UseMiddleware<ApiVersionMiddleware>();
app.UseRouting();
app.MapMetrics();
app.MapHealth();
app.MapOpenApiDocuments();
app.MapAcceptPage();
app.MapDocs();
app.MapInvitationReads();
app.MapControllers();
await app.RunAsync();
return 0;

/// <summary>The entry point, public for <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
