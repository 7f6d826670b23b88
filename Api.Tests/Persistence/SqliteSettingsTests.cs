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

/// <summary>
/// Creates commit on a connection of their own that leaves checkpoints to a background one: what they wrote reaches
/// the database file (not only its WAL) shortly after, without a commit having copied it.
/// </summary>
public sealed class SqliteCheckpointTests : SqliteAppTests
{
    [Test]
    public async Task Committed_creates_reach_the_database_file_shortly_after_in_the_background()
    {
        var emails = Enumerable.Range(1, 5).Select(i => $"checkpointed-{i}@example.com").ToList();
        foreach (var email in emails)
        {
            await Client.CreateInvitationAsync(Org, email);
        }

        // The database file alone, without its WAL: it holds the invitations only once a checkpoint copied them (the
        // writer's own threshold, thousands of pages, is far off).
        var file = Path.Combine(App.Directory, "invites.db");
        var copy = Path.Combine(App.Directory, "file-only.db");
        long found = 0;
        for (var attempt = 0; attempt < 50 && found < emails.Count; attempt++)
        {
            await Task.Delay(100);
            File.Copy(file, copy, overwrite: true);
            try
            {
                await using var connection = new SqliteConnection($"Data Source={copy};Mode=ReadOnly;Pooling=False");
                var copied = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sqlite_schema WHERE name = 'invitations'") > 0;
                found = copied ? await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM invitations WHERE email LIKE 'checkpointed-%'") : 0;
            }
            catch (SqliteException)
            {
                // A copy taken while a checkpoint was writing the file can be torn (a malformed image): look again.
                found = 0;
            }
        }

        Assert.That(found, Is.EqualTo(emails.Count), "every create was copied into the database file within 5 s");
        Assert.That(Sqlite.Checkpointer.Checkpoints, Is.Positive);
    }
}
