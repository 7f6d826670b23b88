using System.Net;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.Reliability;

/// <summary>
/// SPEC §7, §10: a database that cannot write answers 503 storage_unavailable with Retry-After and turns readiness
/// unhealthy; nothing acknowledged is lost, and writes resume without a restart once the disk can take them again.
/// SQLite on a real full tmpfs; the errors of a read-only or full database of each provider, classified.
/// </summary>
public sealed class StorageFailureTests
{
    private static readonly JsonApiInvites.Persistence.Sqlite.SqliteDatabase Sqlite = new("Data Source=classify.db");

    [TestCase(13, TestName = "SQLITE_FULL")]
    [TestCase(8, TestName = "SQLITE_READONLY")]
    [TestCase(10, TestName = "SQLITE_IOERR")]
    [TestCase(5, TestName = "SQLITE_BUSY")]
    public void SQLite_storage_errors_are_storage_failures(int code) =>
        Assert.That(Sqlite.IsStorageFailure(new InvalidOperationException("wrapped", new Microsoft.Data.Sqlite.SqliteException("storage", code))), Is.True);

    [TestCase(19, TestName = "SQLITE_CONSTRAINT is the request's")]
    [TestCase(1, TestName = "SQLITE_ERROR is a bug")]
    [TestCase(6, TestName = "SQLITE_LOCKED is a bug (a statement left open)")]
    public void Other_SQLite_errors_are_not(int code) =>
        Assert.That(Sqlite.IsStorageFailure(new Microsoft.Data.Sqlite.SqliteException("other", code)), Is.False);

    [Test]
    public void Timeouts_and_IO_errors_outside_the_database_are_not_storage_failures()
    {
        Assert.That(Sqlite.IsStorageFailure(new IOException("the client went away")), Is.False);
        Assert.That(Sqlite.IsStorageFailure(new System.Text.RegularExpressions.RegexMatchTimeoutException()), Is.False);
        var postgres = new JsonApiInvites.Persistence.Postgres.PostgresDatabase("Host=localhost;Database=x;Username=x");
        Assert.That(postgres.IsStorageFailure(new TimeoutException("a regular expression")), Is.False);
        Assert.That(postgres.IsStorageFailure(new Npgsql.NpgsqlException("command timeout", new TimeoutException())), Is.False, "a slow query is a fault to see");
        Assert.That(postgres.IsStorageFailure(new Npgsql.NpgsqlException("broken", new System.Net.Sockets.SocketException(111))), Is.True, "a refused connection is the storage's");
    }

    [TestCase("53100", true, TestName = "disk_full")]
    [TestCase("25006", true, TestName = "read_only_sql_transaction")]
    [TestCase("57P01", true, TestName = "admin_shutdown")]
    [TestCase("08006", true, TestName = "connection_failure")]
    [TestCase("23505", false, TestName = "unique_violation is the request's")]
    [TestCase("42P01", false, TestName = "undefined_table is a bug")]
    public void PostgreSQL_storage_errors_are_storage_failures(string sqlState, bool storage)
    {
        var postgres = new JsonApiInvites.Persistence.Postgres.PostgresDatabase("Host=localhost;Database=x;Username=x");
        Assert.That(postgres.IsStorageFailure(new Npgsql.PostgresException("storage", "ERROR", "ERROR", sqlState)), Is.EqualTo(storage));
    }

    private static void AssertStorageUnavailable(ApiResponse response)
    {
        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.ServiceUnavailable), response.Body);
        Assert.That(response.Error["code"]!.GetValue<string>(), Is.EqualTo("storage_unavailable"));
        Assert.That(response.Header("Retry-After"), Is.EqualTo("5"));
    }

    [Test]
    public async Task A_full_then_read_only_disk_answers_503_loses_nothing_and_recovers_without_a_restart()
    {
        using var disk = SmallDisk.MountOrSkip(megabytes: 6);
        using var app = new TestApp(DatabaseKind.Sqlite, store: TestStore.CreateSqliteIn(disk.Path));
        using var client = app.CreateClient();
        var org = await app.CreateOrganizationAsync();
        var acknowledged = new List<Guid>();
        var n = 0;
        async Task<ApiResponse> Create() =>
            await client.PostAsync(org.Invites(), org.Token, JsonApiClient.NewInvitation($"person{n++}@example.com", org.Roles["viewer"]));
        async Task<HttpStatusCode> Ready()
        {
            using var response = await client.GetAsync("/healthz/ready");
            return response.StatusCode;
        }

        for (var i = 0; i < 10; i++)
        {
            var created = await Create();
            Assert.That(created.Status, Is.EqualTo(HttpStatusCode.Created));
            acknowledged.Add(Guid.Parse(created.Json["data"]!["id"]!.GetValue<string>()));
        }

        // The disk fills up: creates go on until SQLite cannot grow its log, then every one is a 503.
        disk.Fill();
        ApiResponse? refused = null;
        for (var i = 0; i < 500 && refused is null; i++)
        {
            var created = await Create();
            if (created.Status == HttpStatusCode.Created)
            {
                acknowledged.Add(Guid.Parse(created.Json["data"]!["id"]!.GetValue<string>()));
            }
            else
            {
                refused = created;
            }
        }

        Assert.That(refused, Is.Not.Null, "a full disk refuses writes");
        AssertStorageUnavailable(refused!);
        AssertStorageUnavailable(await Create());
        Assert.That(await Ready(), Is.EqualTo(HttpStatusCode.ServiceUnavailable), "not ready while writes fail");
        Assert.That((await client.GetAsync(org.Invite(acknowledged[0]), org.Token)).Status, Is.EqualTo(HttpStatusCode.OK), "reads still work");
        Assert.That(app.Logs.Lines.Where(l => l.Contains("storage_unavailable", StringComparison.Ordinal)), Has.All.Not.Contain("   at "), "one line per refusal, no stack trace");

        // Space comes back: the same server writes again.
        disk.Free();
        var afterFull = await Create();
        Assert.That(afterFull.Status, Is.EqualTo(HttpStatusCode.Created), afterFull.Body);
        acknowledged.Add(Guid.Parse(afterFull.Json["data"]!["id"]!.GetValue<string>()));
        Assert.That(await Ready(), Is.EqualTo(HttpStatusCode.OK));

        // Every acknowledged create is there, once.
        var stored = (await app.Data.InvitationsAsync()).Select(i => i.Id).ToList();
        Assert.That(stored, Is.EquivalentTo(acknowledged), "nothing acknowledged was lost, nothing refused was written");
    }
}
