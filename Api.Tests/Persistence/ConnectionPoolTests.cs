using Dapper;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.Persistence;

/// <summary>Reads rent pooled connections that keep their compiled commands; a pooled connection must never serve stale or unsafe state.</summary>
public sealed class ConnectionPoolTests : SqliteAppTests
{
    protected override bool WithOrganization => false;

    [Test]
    public async Task A_returned_connection_is_reused_with_its_compiled_command()
    {
        await App.MigrateAsync();
        var connections = Sqlite.Connections;

        Microsoft.Data.Sqlite.SqliteCommand first;
        using (var lease = connections.Rent())
        {
            first = lease.Command("SELECT COUNT(*) FROM organizations");
            first.ExecuteScalar();
        }

        using var again = connections.Rent();
        var second = again.Command("SELECT COUNT(*) FROM organizations");

        Assert.That(second, Is.SameAs(first));
        Assert.That(second.Parameters, Is.Empty, "parameters of the previous use are cleared");
    }

    [Test]
    public async Task A_pooled_connection_sees_what_other_connections_committed_since()
    {
        await App.MigrateAsync();
        var connections = Sqlite.Connections;
        const string count = "SELECT COUNT(*) FROM organizations";
        using (var lease = connections.Rent())
        {
            Assert.That((long)lease.Command(count).ExecuteScalar()!, Is.Zero);
        }

        await App.CreateOrganizationAsync();

        using var reused = connections.Rent();
        Assert.That((long)reused.Command(count).ExecuteScalar()!, Is.EqualTo(1));
    }

    [Test]
    public async Task Pooled_connections_enforce_foreign_keys_and_wait_when_busy()
    {
        await App.MigrateAsync();
        using var lease = Sqlite.Connections.Rent();

        Assert.That(await lease.Connection.ExecuteScalarAsync<long>("PRAGMA foreign_keys"), Is.EqualTo(1));
        Assert.That(await lease.Connection.ExecuteScalarAsync<long>("PRAGMA busy_timeout"), Is.GreaterThanOrEqualTo(5000));
    }

    [Test]
    public async Task A_closed_connection_is_not_returned_to_the_pool()
    {
        await App.MigrateAsync();
        var connections = Sqlite.Connections;
        var lease = connections.Rent();
        var broken = lease.Connection;
        broken.Close();
        lease.Dispose();

        using var next = connections.Rent();

        Assert.That(next.Connection, Is.Not.SameAs(broken));
        Assert.That(next.Connection.State, Is.EqualTo(System.Data.ConnectionState.Open));
    }

    [Test]
    public async Task Disposing_the_factory_closes_idle_connections_and_refuses_new_rents()
    {
        await App.MigrateAsync();
        var connections = new JsonApiInvites.Persistence.Sqlite.SqliteConnectionPool($"Data Source={Path.Combine(App.Directory, "invites.db")}");
        var lease = connections.Rent();
        var connection = lease.Connection;
        lease.Dispose();

        connections.Dispose();

        Assert.That(connection.State, Is.EqualTo(System.Data.ConnectionState.Closed));
        Assert.Throws<ObjectDisposedException>(() => connections.Rent());
    }
}
