using System.Net;
using JsonApiInvites.Api.Tests.Infrastructure;
using JsonApiInvites.Persistence;
using JsonApiInvites.Persistence.Postgres;
using Microsoft.Extensions.DependencyInjection;

namespace JsonApiInvites.Api.Tests.Persistence;

/// <summary>
/// Under multiplexing the request path's pool is small (four connections per core), and an explicit transaction takes a
/// connection for itself until it ends, lock waits included: transactions have a pool of their own, so that a burst
/// of them (resends queued on one invitation's row) cannot leave the reads without a connection.
/// </summary>
public sealed class PostgresTransactionTests : PostgresAppTests
{
    [Test]
    public async Task Reads_are_served_while_transactions_hold_as_many_connections_as_the_read_pool_has()
    {
        var invitation = await Client.CreateInvitationAsync(Org, "ada@example.com");
        var database = App.Services.GetRequiredService<Database>();
        using var opening = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var held = new List<(System.Data.Common.DbConnection Connection, System.Data.Common.DbTransaction Transaction)>();
        try
        {
            for (var i = 0; i < PostgresDatabase.DefaultMaxPoolSize + 2; i++)
            {
                var connection = await database.OpenForTransactionAsync(opening.Token);
                var transaction = await connection.BeginTransactionAsync(opening.Token);
                await using (var command = connection.CreateCommand())
                {
                    command.Transaction = transaction;
                    command.CommandText = "SELECT COUNT(*) FROM invitations";
                    await command.ExecuteScalarAsync(opening.Token);
                }

                held.Add((connection, transaction));
            }

            using var reading = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var read = Client.GetAsync(Org.Invite(invitation), Org.Token);
            var first = await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(5), reading.Token));

            Assert.That(first, Is.SameAs(read), "a read is answered within 5 s while every transaction is open");
            Assert.That((await read).Status, Is.EqualTo(HttpStatusCode.OK));
        }
        finally
        {
            foreach (var (connection, transaction) in held)
            {
                await transaction.RollbackAsync();
                await connection.DisposeAsync();
            }
        }
    }
}
