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
    private readonly string _directory;
    private bool _ownsDirectory;
    private readonly Dictionary<string, string?> _settings;

    /// <param name="directory">
    /// The <see cref="Directory"/> of a stopped app from <see cref="HandOver"/>, to start a new server on the same
    /// database and pickup folder (a restart); the new app then owns and deletes the folder.
    /// </param>
    public TestApp(IReadOnlyDictionary<string, string?>? settings = null, string? directory = null)
    {
        _ownsDirectory = true;
        _directory = directory ?? Path.Combine(Path.GetTempPath(), "jsonapi-invites-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(_directory);
        DatabasePath = Path.Combine(_directory, "invites.db");
        // Tests are not about the rate limit unless they say so: a limit no test reaches, overridable by settings.
        // Emails are not sent in the background unless a test says so (it calls the dispatcher itself instead).
        _settings = new Dictionary<string, string?>
        {
            ["RateLimit:PermitLimit"] = "1000000",
            ["Email:DispatcherEnabled"] = "false",
            ["Email:PickupDirectory"] = PickupDirectory,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        _settings["ConnectionStrings:Invites"] = $"Data Source={DatabasePath}";
    }

    public string DatabasePath { get; }

    /// <summary>Gives up the folder so that disposing this app (a server stopping) keeps its files for the next one.</summary>
    public string HandOver()
    {
        _ownsDirectory = false;
        return _directory;
    }

    /// <summary>The folder holding this app's database file and email pickup folder.</summary>
    public string Directory => _directory;

    public string PickupDirectory => Path.Combine(_directory, "outbox");

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
        if (!_ownsDirectory)
        {
            return;
        }

        try
        {
            System.IO.Directory.Delete(_directory, recursive: true);
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
