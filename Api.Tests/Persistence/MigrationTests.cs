using Dapper;
using JsonApiInvites.Api.Tests.Infrastructure;
using JsonApiInvites.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace JsonApiInvites.Api.Tests.Persistence;

/// <summary>The schema is created and migrated on start from the embedded, ordered SQL files.</summary>
public sealed class MigrationTests : FreshAppTests
{
    protected override bool WithOrganization => false;

    [Test]
    public void Embedded_migrations_are_numbered_without_gaps()
    {
        Assert.That(Migrator.Embedded.Select(m => m.Version), Is.EqualTo(Enumerable.Range(1, Migrator.Embedded.Count)));
    }

    [Test]
    public async Task Starting_the_server_applies_and_records_every_migration()
    {
        using var client = App.CreateClient();
        var health = await client.GetAsync("/healthz");

        Assert.That((int)health.StatusCode, Is.EqualTo(200));
        Assert.That(await health.Content.ReadAsStringAsync(), Is.EqualTo("""{"status":"ok"}"""));
        using var db = App.OpenDatabase();
        var recorded = (await db.QueryAsync<(long Version, string Name)>("SELECT version, name FROM schema_migrations ORDER BY version")).ToList();
        Assert.That(recorded, Is.EqualTo(Migrator.Embedded.Select(m => ((long)m.Version, m.Name))));
        var tables = await db.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
        Assert.That(tables, Is.SupersetOf(new[] { "api_tokens", "invitations", "organizations", "roles", "schema_migrations" }));
    }

    [Test]
    public async Task Migrating_again_applies_nothing()
    {
        var migrator = App.Services.GetRequiredService<Migrator>();
        await migrator.MigrateAsync(CancellationToken.None);

        var second = await migrator.MigrateAsync(CancellationToken.None);

        Assert.That(second, Is.Empty);
        using var db = App.OpenDatabase();
        Assert.That(await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations"), Is.EqualTo(Migrator.Embedded.Count));
    }

    [Test]
    public async Task The_database_runs_in_wal_mode()
    {
        await App.MigrateAsync();

        using var db = App.OpenDatabase();
        Assert.That(await db.ExecuteScalarAsync<string>("PRAGMA journal_mode"), Is.EqualTo("wal"));
    }

    [Test]
    public async Task Server_connections_enforce_foreign_keys_and_wait_when_busy()
    {
        await App.MigrateAsync();
        var connections = App.Services.GetRequiredService<SqliteConnectionFactory>();

        await using var connection = await connections.OpenAsync(CancellationToken.None);

        Assert.That(await connection.ExecuteScalarAsync<long>("PRAGMA foreign_keys"), Is.EqualTo(1));
        Assert.That(await connection.ExecuteScalarAsync<long>("PRAGMA busy_timeout"), Is.GreaterThanOrEqualTo(5000));
        var orphan = Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => connection.ExecuteAsync(
            "INSERT INTO roles (id, organization_id, key, name, permissions) VALUES ('r', 'no-such-org', 'owner', 'Owner', 'org.read')"));
        Assert.That(orphan!.Message, Does.Contain("FOREIGN KEY"));
    }

    [Test]
    public async Task Two_pending_invitations_for_one_email_are_refused_by_the_database()
    {
        var org = await App.CreateOrganizationAsync();
        using var db = App.OpenDatabase();
        const string insert =
            "INSERT INTO invitations (id, organization_id, email, email_key, role_id, state, created_at, expires_at) VALUES (@Id, @Org, 'a@x.io', 'a@x.io', @Role, @State, 0, 1)";
        var args = new { Org = org.Id.ToString(), Role = org.Roles["viewer"].ToString() };
        await db.ExecuteAsync(insert, new { Id = "1", args.Org, args.Role, State = "pending" });
        await db.ExecuteAsync(insert, new { Id = "2", args.Org, args.Role, State = "cancelled" });

        var duplicate = Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => db.ExecuteAsync(insert, new { Id = "3", args.Org, args.Role, State = "pending" }));

        Assert.That(duplicate!.Message, Does.Contain("UNIQUE"));
    }
}
