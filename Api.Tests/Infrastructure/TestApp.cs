using System.Text.Json;
using JsonApiInvites.Api.Cli;
using JsonApiInvites.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace JsonApiInvites.Api.Tests.Infrastructure;

/// <summary>The real server over the real HTTP pipeline, on its own SQLite file and a frozen clock.</summary>
public sealed class TestApp : WebApplicationFactory<Program>
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "jsonapi-invites-tests", Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string?> _settings;

    public TestApp(IReadOnlyDictionary<string, string?>? settings = null)
    {
        Directory.CreateDirectory(_directory);
        DatabasePath = Path.Combine(_directory, "invites.db");
        // Tests are not about the rate limit unless they say so: a limit no test reaches, overridable by settings.
        _settings = new Dictionary<string, string?> { ["RateLimit:PermitLimit"] = "1000000" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        _settings["ConnectionStrings:Invites"] = $"Data Source={DatabasePath}";
    }

    public string DatabasePath { get; }

    public TestClock Clock { get; } = new(TestClock.Start);

    public LogSink Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock)));
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
    }

    /// <summary>Runs a management CLI verb against this app's services; returns its exit code, stdout and stderr.</summary>
    public async Task<(int ExitCode, string Output, string Error)> RunCliAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await ManagementCli.RunAsync(Services, args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>An organization made through the CLI, with a token holding <paramref name="permissions"/>.</summary>
    public async Task<TestOrganization> CreateOrganizationAsync(string name = "Acme", params string[] permissions)
    {
        var (code, output, error) = await RunCliAsync("orgs", "create", "--name", name);
        Assert.That(code, Is.Zero, error);
        using var organization = JsonDocument.Parse(output);
        var id = organization.RootElement.GetProperty("id").GetGuid();
        var roles = organization.RootElement.GetProperty("roles").EnumerateArray()
            .ToDictionary(r => r.GetProperty("key").GetString()!, r => r.GetProperty("id").GetGuid());

        var token = await CreateTokenAsync(id, permissions.Length > 0 ? permissions : TestOrganization.AllPermissions);
        return new TestOrganization(this, id, roles, token);
    }

    public async Task<string> CreateTokenAsync(Guid organizationId, params string[] permissions)
    {
        var (code, output, error) = await RunCliAsync("tokens", "create", "--org", organizationId.ToString(), "--permissions", string.Join(',', permissions));
        Assert.That(code, Is.Zero, error);
        using var token = JsonDocument.Parse(output);
        return token.RootElement.GetProperty("token").GetString()!;
    }

    /// <summary>A direct connection to the app's database file, for asserting what was stored.</summary>
    public SqliteConnection OpenDatabase()
    {
        var connection = new SqliteConnection($"Data Source={DatabasePath}");
        connection.Open();
        return connection;
    }

    public async Task MigrateAsync() => await Services.GetRequiredService<Migrator>().MigrateAsync(CancellationToken.None);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}

public sealed record TestOrganization(TestApp App, Guid Id, IReadOnlyDictionary<string, Guid> Roles, string Token)
{
    public static string[] AllPermissions { get; } = ["org.read", "org.user.read", "org.user.invite", "org.admin"];

    public string Invites(string version = "2021-06-04", string query = "") => $"/orgs/{Id}/invites?version={version}{query}";

    public string Invite(Guid invitationId, string suffix = "", string version = "2021-06-04", string query = "") =>
        $"/orgs/{Id}/invites/{invitationId}{suffix}?version={version}{query}";

    public string RolesPath(string version = "2021-06-04", string query = "") => $"/orgs/{Id}/roles?version={version}{query}";
}
