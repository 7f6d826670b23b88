using Dapper;
using JsonApiInvites.Api.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace JsonApiInvites.Api.Tests.Persistence;

/// <summary>What SQLite needs set on the file and on every connection: WAL, foreign keys, a busy timeout.</summary>
public sealed class SqliteSettingsTests : SqliteAppTests
{
    protected override bool WithOrganization => false;

    [Test]
    public async Task The_database_runs_in_wal_mode()
    {
        await App.MigrateAsync();

        await using var connection = Sqlite.Connections.Open();
        Assert.That(await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"), Is.EqualTo("wal"));
    }

    [Test]
    public async Task Server_connections_enforce_foreign_keys_and_wait_when_busy()
    {
        await App.MigrateAsync();

        await using var connection = Sqlite.Connections.Open();

        Assert.That(await connection.ExecuteScalarAsync<long>("PRAGMA foreign_keys"), Is.EqualTo(1));
        Assert.That(await connection.ExecuteScalarAsync<long>("PRAGMA busy_timeout"), Is.GreaterThanOrEqualTo(5000));
        var orphan = Assert.ThrowsAsync<SqliteException>(() => connection.ExecuteAsync(
            "INSERT INTO roles (id, organization_id, key, name, permissions) VALUES ('r', 'no-such-org', 'owner', 'Owner', 'org.read')"));
        Assert.That(orphan!.Message, Does.Contain("FOREIGN KEY"));
    }
}
