using System.Data.Common;
using JsonApiInvites.Api.Tests.Infrastructure;
using JsonApiInvites.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace JsonApiInvites.Api.Tests.Persistence;

/// <summary>The schema is created and migrated on start from the provider's embedded, ordered SQL files.</summary>
public sealed class MigrationTests(DatabaseKind database) : FreshAppTests(database)
{
    protected override bool WithOrganization => false;

    private Migrator Migrator => App.Services.GetRequiredService<Migrator>();

    [Test]
    public void Every_provider_has_the_same_migrations_numbered_without_gaps()
    {
        var sqlite = Migrator.Embedded("Sqlite");
        var postgres = Migrator.Embedded("Postgres");

        Assert.That(sqlite.Select(m => m.Version), Is.EqualTo(Enumerable.Range(1, sqlite.Count)));
        Assert.That(postgres.Select(m => (m.Version, m.Name)), Is.EqualTo(sqlite.Select(m => (m.Version, m.Name))), "each step exists for each provider");
    }

    [Test]
    public async Task Starting_the_server_applies_and_records_every_migration()
    {
        using var client = App.CreateClient();
        var health = await client.GetAsync("/healthz");

        Assert.That((int)health.StatusCode, Is.EqualTo(200));
        Assert.That(await health.Content.ReadAsStringAsync(), Is.EqualTo("""{"status":"healthy","checks":{"database":{"status":"healthy"},"email_outbox":{"status":"healthy"}}}"""));
        Assert.That(await App.Data.AppliedMigrationsAsync(), Is.EqualTo(Migrator.Migrations.Select(m => (m.Version, m.Name))));
        Assert.That(await App.Data.TableNamesAsync(), Is.SupersetOf(new[] { "api_tokens", "email_outbox", "invitations", "organizations", "roles", "schema_migrations" }));
    }

    [Test]
    public async Task Migrating_again_applies_nothing()
    {
        await Migrator.MigrateAsync(CancellationToken.None);

        var second = await Migrator.MigrateAsync(CancellationToken.None);

        Assert.That(second, Is.Empty);
        Assert.That(await App.Data.CountAsync("schema_migrations"), Is.EqualTo(Migrator.Migrations.Count));
    }

    [Test]
    public async Task The_database_refuses_an_invitation_of_an_unknown_organization()
    {
        await App.MigrateAsync();

        var orphan = Assert.CatchAsync<DbException>(() => App.Data.InsertInvitationAsync(Guid.NewGuid(), Guid.NewGuid(), "a@x.io", "pending"));

        Assert.That(orphan!.Message, Does.Contain("FOREIGN KEY").IgnoreCase.Or.Contain("foreign key"));
    }

    [Test]
    public async Task Two_pending_invitations_for_one_email_are_refused_by_the_database()
    {
        var org = await App.CreateOrganizationAsync();
        await App.Data.InsertInvitationAsync(org.Id, org.Roles["viewer"], "a@x.io", "pending");
        await App.Data.InsertInvitationAsync(org.Id, org.Roles["viewer"], "a@x.io", "cancelled");

        var duplicate = Assert.CatchAsync<DbException>(() => App.Data.InsertInvitationAsync(org.Id, org.Roles["viewer"], "a@x.io", "pending"));

        Assert.That(App.Data.IsUniqueViolation(duplicate!), Is.True, duplicate!.Message);
    }
}
