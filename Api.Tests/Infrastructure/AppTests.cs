namespace JsonApiInvites.Api.Tests.Infrastructure;

/// <summary>
/// A test class's server: the app on its own database, a client, and an organization with an all-permissions token.
/// Fixtures deriving from <see cref="SharedAppTests"/> or <see cref="FreshAppTests"/> run once per database
/// (<see cref="DatabaseKinds.All"/>): the same tests, the same snapshots, on SQLite and on PostgreSQL.
/// </summary>
public abstract class AppTests(DatabaseKind database)
{
    /// <summary>The provider this run of the fixture is on.</summary>
    protected DatabaseKind Database { get; } = database;

    protected TestApp App { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    protected TestOrganization Org { get; private set; } = null!;

    /// <summary>False for tests that need the database empty (no organization is made).</summary>
    protected virtual bool WithOrganization => true;

    /// <summary>Runs once the app and organization exist, for a fixture's own shared data.</summary>
    protected virtual Task OnStartedAsync() => Task.CompletedTask;

    private protected async Task StartAppAsync()
    {
        App = new TestApp(Database);
        Client = App.CreateClient();
        if (WithOrganization)
        {
            Org = await App.CreateOrganizationAsync();
        }

        await OnStartedAsync();
    }

    private protected void StopApp()
    {
        Client?.Dispose();
        App?.Dispose();
    }
}

/// <summary>One app for all the tests of a fixture: for tests that only read, or write data no other test looks at.</summary>
[TestFixtureSource(typeof(DatabaseKinds), nameof(DatabaseKinds.All))]
public abstract class SharedAppTests(DatabaseKind database) : AppTests(database)
{
    [OneTimeSetUp]
    public Task StartSharedApp() => StartAppAsync();

    [OneTimeTearDown]
    public void StopSharedApp() => StopApp();
}

/// <summary>A fresh app and database for every test.</summary>
[TestFixtureSource(typeof(DatabaseKinds), nameof(DatabaseKinds.All))]
public abstract class FreshAppTests(DatabaseKind database) : AppTests(database)
{
    [SetUp]
    public Task StartFreshApp() => StartAppAsync();

    [TearDown]
    public void StopFreshApp() => StopApp();
}

/// <summary>A fresh app for every test, on PostgreSQL only: for what only PostgreSQL has (its planner's choices).</summary>
public abstract class PostgresAppTests() : AppTests(DatabaseKind.Postgres)
{
    [SetUp]
    public Task StartFreshApp() => StartAppAsync();

    [TearDown]
    public void StopFreshApp() => StopApp();
}

/// <summary>A fresh app for every test, on SQLite only: for what only SQLite has (its connection pool, group commit, PRAGMAs).</summary>
public abstract class SqliteAppTests() : AppTests(DatabaseKind.Sqlite)
{
    /// <summary>The app's database, as the SQLite provider it is.</summary>
    protected JsonApiInvites.Persistence.Sqlite.SqliteDatabase Sqlite =>
        (JsonApiInvites.Persistence.Sqlite.SqliteDatabase)Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<JsonApiInvites.Persistence.Database>(App.Services);

    [SetUp]
    public Task StartFreshApp() => StartAppAsync();

    [TearDown]
    public void StopFreshApp() => StopApp();
}

/// <summary>
/// A fixture that starts its own apps (several, or with settings of its own), once per database. What a test
/// starts through <see cref="Track"/> is stopped after it, last started first.
/// </summary>
[TestFixtureSource(typeof(DatabaseKinds), nameof(DatabaseKinds.All))]
public abstract class EveryDatabaseTests(DatabaseKind database)
{
    private readonly List<IDisposable> _started = [];

    protected DatabaseKind Database { get; } = database;

    [TearDown]
    public void StopStarted()
    {
        foreach (var started in Enumerable.Reverse(_started))
        {
            started.Dispose();
        }

        _started.Clear();
    }

    /// <summary>An app of this test's own (with <paramref name="settings"/>), a client, and an organization with an all-permissions token; all stopped when the test ends.</summary>
    protected async Task<(TestApp App, HttpClient Client, TestOrganization Org)> StartWithOrganizationAsync(Dictionary<string, string?>? settings = null)
    {
        var app = Track(new TestApp(Database, settings));
        var client = Track(app.CreateClient());
        return (app, client, await app.CreateOrganizationAsync());
    }

    /// <summary>Stops <paramref name="started"/> (an app, a client, a server) when the test ends.</summary>
    protected T Track<T>(T started)
        where T : IDisposable
    {
        _started.Add(started);
        return started;
    }
}
