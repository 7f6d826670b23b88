using Npgsql;

namespace JsonApiInvites.Api.Tests.Infrastructure;

/// <summary>The databases the HTTP-level tests run on: every such fixture runs once on each (a fixture parameter).</summary>
public enum DatabaseKind
{
    Sqlite,
    Postgres,
}

public static class DatabaseKinds
{
    public static IEnumerable<DatabaseKind> All { get; } = [DatabaseKind.Sqlite, DatabaseKind.Postgres];
}

/// <summary>
/// The PostgreSQL server the tests use, from <see cref="Variable"/>: a connection string of a database in which the
/// tests may create schemas. Each test app gets a schema of its own (<c>Search Path</c>), dropped when it stops, so
/// tests stay independent. Without the variable, PostgreSQL cases are skipped, except under CI, where they fail.
/// </summary>
public static class TestPostgres
{
    public const string Variable = "INVITES_TEST_POSTGRES";

    // Schemas are made and dropped with plain synchronous commands, whatever the tests' connection string asks for.
    private static readonly Lazy<NpgsqlDataSource?> Admin = new(() =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } connectionString
            ? NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { Multiplexing = false })
            : null);

    public static string Unavailable =>
        $"PostgreSQL cases are skipped: set {Variable} to a connection string of a database the tests may create schemas in, "
        + "e.g. 'Host=localhost;Database=invites_test;Username=invites;Password=invites' (.ci/run starts one and sets it).";

    /// <summary>Ignores the current test (or fixture) when no PostgreSQL is configured; fails it under CI, which never skips them.</summary>
    public static NpgsqlDataSource Require()
    {
        if (Admin.Value is { } source)
        {
            return source;
        }

        if (IsCi)
        {
            Assert.Fail($"CI must run the PostgreSQL cases. {Unavailable}");
        }

        Assert.Ignore(Unavailable);
        return null!;
    }

    /// <summary>Under CI (<c>CI</c> set and not <c>false</c>), which runs every case and skips none.</summary>
    public static bool IsCi => Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ci && !ci.Equals("false", StringComparison.OrdinalIgnoreCase);

    /// <summary>A new, empty schema; returns its name and a connection string whose search path is that schema.</summary>
    public static (string Schema, string ConnectionString) CreateSchema()
    {
        var admin = Require();
        var schema = "t_" + Guid.NewGuid().ToString("N");
        using (var command = admin.CreateCommand($"CREATE SCHEMA {schema}"))
        {
            command.ExecuteNonQuery();
        }

        // From the variable itself: a data source's ConnectionString leaves the password out.
        var builder = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable(Variable)) { SearchPath = schema };
        return (schema, builder.ConnectionString);
    }

    public static void DropSchema(string schema)
    {
        if (Admin.Value is not { } admin)
        {
            return;
        }

        using var command = admin.CreateCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE");
        command.ExecuteNonQuery();
    }
}

/// <summary>
/// The Redis server the tests of <c>RateLimit:Store=redis</c> use, from <see cref="Variable"/> (e.g. <c>localhost:6379</c>);
/// each test app gets key prefix of its own. Skipped without it, except under CI, like <see cref="TestPostgres"/>.
/// </summary>
public static class TestRedis
{
    public const string Variable = "INVITES_TEST_REDIS";

    public static string Unavailable =>
        $"Redis cases are skipped: set {Variable} to a Redis server the tests may write keys to, e.g. 'localhost:6379' (.ci/run starts one and sets it).";

    /// <summary>Settings that make an app count its rate limits in the test Redis, under a prefix no other test uses.</summary>
    public static Dictionary<string, string?> Settings(string? prefix = null)
    {
        if (Environment.GetEnvironmentVariable(Variable) is not { Length: > 0 } connectionString)
        {
            if (TestPostgres.IsCi)
            {
                Assert.Fail($"CI must run the Redis cases. {Unavailable}");
            }

            Assert.Ignore(Unavailable);
            return null!;
        }

        return new Dictionary<string, string?>
        {
            ["RateLimit:Store"] = "redis",
            ["ConnectionStrings:Redis"] = connectionString,
            ["RateLimit:KeyPrefix"] = prefix ?? NewPrefix(),
        };
    }

    public static string NewPrefix() => $"jsonapi-invites-test:{Guid.NewGuid():N}:";
}

/// <summary>
/// Where one test server keeps its data: a temporary folder (the SQLite file, the email pickup folder) and, on
/// PostgreSQL, a schema of its own. Handed from a stopped app to the next one to test a restart.
/// </summary>
public sealed class TestStore : IDisposable
{
    private readonly string? _schema;

    private TestStore(DatabaseKind kind, string? directory = null)
    {
        Kind = kind;
        Directory = directory ?? Path.Combine(Path.GetTempPath(), "jsonapi-invites-tests", Guid.NewGuid().ToString("N"));
        if (kind == DatabaseKind.Postgres)
        {
            (_schema, ConnectionString) = TestPostgres.CreateSchema();
        }
        else
        {
            ConnectionString = $"Data Source={Path.Combine(Directory, "invites.db")}";
        }

        System.IO.Directory.CreateDirectory(Directory);
    }

    public static TestStore Create(DatabaseKind kind) => new(kind);

    /// <summary>A SQLite store whose file and pickup folder are in <paramref name="directory"/> (a disk of a test's own).</summary>
    public static TestStore CreateSqliteIn(string directory) => new(DatabaseKind.Sqlite, directory);

    public DatabaseKind Kind { get; }

    public string Directory { get; }

    public string ConnectionString { get; }

    public string Provider => Kind == DatabaseKind.Postgres ? "postgres" : "sqlite";

    public string PickupDirectory => Path.Combine(Directory, "outbox");

    public void Dispose()
    {
        if (_schema is not null)
        {
            TestPostgres.DropSchema(_schema);
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
