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

/// <summary>The real server over the real HTTP pipeline, on a database of its own (<see cref="TestStore"/>) and a frozen clock.</summary>
public sealed class TestApp : WebApplicationFactory<Program>
{
    private readonly TestStore _store;
    private bool _ownsStore;
    private readonly Dictionary<string, string?> _settings;

    /// <param name="database">The provider the server runs on.</param>
    /// <param name="settings">Configuration on top of the test defaults.</param>
    /// <param name="store">
    /// The store of a stopped app from <see cref="HandOver"/>, to start a new server on the same database and pickup
    /// folder (a restart); the new app then owns and removes it. Apps given the same store while both run are two
    /// servers on one database.
    /// </param>
    public TestApp(DatabaseKind database, IReadOnlyDictionary<string, string?>? settings = null, TestStore? store = null)
    {
        _ownsStore = true;
        _store = store ?? TestStore.Create(database);
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

        _settings["Database:Provider"] = _store.Provider;
        _settings["ConnectionStrings:Invites"] = _store.ConnectionString;
    }

    public DatabaseKind Database => _store.Kind;

    /// <summary>Gives up the store so that disposing this app (a server stopping) keeps its data for the next one.</summary>
    public TestStore HandOver()
    {
        _ownsStore = false;
        return _store;
    }

    /// <summary>The folder holding this app's SQLite file (if any) and email pickup folder.</summary>
    public string Directory => _store.Directory;

    public string PickupDirectory => _store.PickupDirectory;

    public TestClock Clock { get; } = new(TestClock.Start);

    public LogSink Logs { get; } = new();

    /// <summary>What the app stored, read and changed the same way on every provider.</summary>
    public StoredData Data => new(Services.GetRequiredService<JsonApiInvites.Persistence.Database>());

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

    /// <summary>
    /// Serves this app on real Kestrel, on a loopback port of its own, for a client outside the process (a browser);
    /// its clock and data stay in the test's hands. Returns the address it listens on.
    /// </summary>
    public Uri StartListening()
    {
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First());
    }

    public async Task MigrateAsync() => await Services.GetRequiredService<Migrator>().MigrateAsync(CancellationToken.None);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        // Null when the constructor stopped early (a PostgreSQL case skipped), and the finalizer runs.
        if (!disposing || _store is null)
        {
            return;
        }

        if (_store.Kind == DatabaseKind.Sqlite)
        {
            SqliteConnection.ClearAllPools();
        }

        if (_ownsStore)
        {
            _store.Dispose();
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

    public string Memberships(string version = InviteeClient.Version, string query = "") => $"/orgs/{Id}/memberships?version={version}{query}";

    public string Membership(Guid membershipId, string suffix = "", string version = InviteeClient.Version, string query = "") =>
        $"/orgs/{Id}/memberships/{membershipId}{suffix}?version={version}{query}";
}
