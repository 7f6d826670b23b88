using JsonApiInvites.Api.Auth;
using JsonApiInvites.Api.Cli;
using JsonApiInvites.Api.Database;
using JsonApiInvites.Api.Email;
using JsonApiInvites.Api.Invitations;
using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Api.OpenApi;
using JsonApiInvites.Api.RateLimiting;
using JsonApiInvites.Api.Versioning;

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = RequestLimits.MaxBodyBytes);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddInvitesDatabase();
builder.Services.AddJsonApi();
builder.Services.AddDatedApiVersioning();
builder.Services.AddTokenAuth();
builder.Services.AddInvitations(builder.Configuration);
builder.Services.AddApiRateLimiting(builder.Configuration);
builder.Services.AddInvitationEmail(builder.Configuration);

var app = builder.Build();
if (ManagementCli.IsCommand(args))
{
    return await ManagementCli.RunAsync(app.Services, args, Console.Out, Console.Error);
}

app.UseMiddleware<HeadRequestMiddleware>();
app.UseJsonApiErrors();
app.UseApiRateLimiting();
app.UseMiddleware<ContentNegotiationMiddleware>();
app.UseMiddleware<ApiVersionMiddleware>();
app.UseRouting();
app.MapHealthz();
app.MapOpenApiDocuments();
app.MapControllers();
await app.RunAsync();
return 0;

/// <summary>The entry point, public for <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
