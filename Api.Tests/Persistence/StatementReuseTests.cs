using JsonApiInvites.Api.Tests.Infrastructure;
using JsonApiInvites.Persistence.Sqlite;

namespace JsonApiInvites.Api.Tests.Persistence;

/// <summary>
/// The reads of lists and resources run statements compiled once per pooled connection: nothing in them (a bound LIMIT, say) may
/// make SQLite compile them again on every run.
/// </summary>
public sealed class StatementReuseTests : SqliteAppTests
{
    [Test]
    public async Task Walking_list_pages_runs_compiled_statements_without_recompiling_them()
    {
        App.Clock.StartOn(new DateOnly(2026, 11, 25));
        var invitations = new List<Guid>();
        for (var i = 0; i < 25; i++)
        {
            invitations.Add(await Client.CreateInvitationAsync(Org, $"walker{i}@example.com"));
        }

        // Pages of two sizes, forward and back, through invitations and memberships, each walked twice.
        var pages = 0;
        for (var walk = 0; walk < 2; walk++)
        {
            foreach (var limit in new[] { 10, 20 })
            {
                // Forward from the first page, then back from the last one by its previous links.
                string? link = Org.Invites(query: $"&limit={limit}");
                string? back = null;
                while (link is not null)
                {
                    var page = await Client.GetAsync(link, Org.Token);
                    Assert.That(page.Status, Is.EqualTo(System.Net.HttpStatusCode.OK), page.Body);
                    link = page.Json["links"]?["next"]?.GetValue<string>();
                    back = page.Json["links"]?["prev"]?.GetValue<string>();
                    pages++;
                }

                while (back is not null)
                {
                    var page = await Client.GetAsync(back, Org.Token);
                    Assert.That(page.Status, Is.EqualTo(System.Net.HttpStatusCode.OK), page.Body);
                    back = page.Json["links"]?["prev"]?.GetValue<string>();
                    pages++;
                }
            }

            foreach (var path in new[] { Org.Memberships(query: "&limit=10"), Org.Invite(invitations[walk], query: "&include=role"), Org.RolesPath() })
            {
                var read = await Client.GetAsync(path, Org.Token);
                Assert.That(read.Status, Is.EqualTo(System.Net.HttpStatusCode.OK), read.Body);
            }
        }

        // Every idle pooled connection, held at once so that each rent is another one.
        var leases = new List<PooledConnection>();
        try
        {
            (int Runs, int Recompiles) total = (0, 0);
            for (var i = 0; i < 16; i++)
            {
                var lease = Sqlite.Connections.Rent();
                leases.Add(lease);
                var counts = lease.StatementCounts;
                total = (total.Runs + counts.Runs, total.Recompiles + counts.Recompiles);
            }

            Assert.That(pages, Is.EqualTo(2 * ((3 + 2) + (2 + 1))), "three pages of 10 and back, two of 20 and back, twice");
            Assert.That(total.Runs, Is.GreaterThanOrEqualTo(pages), "the pages ran as compiled statements");
            Assert.That(total.Recompiles, Is.Zero, "no statement was compiled again on a later run");
        }
        finally
        {
            leases.ForEach(l => l.Dispose());
        }
    }

    [Test]
    public async Task A_full_statement_cache_drops_the_least_recently_used_and_keeps_the_hot_one()
    {
        await App.MigrateAsync();
        using var lease = Sqlite.Connections.Rent();
        const string hot = "SELECT COUNT(*) FROM organizations";
        async Task Run(string sql)
        {
            await using var reader = await lease.ExecuteReaderAsync(lease.Command(sql), CancellationToken.None);
            Assert.That(await reader.ReadAsync(), Is.True);
        }

        // Far more texts than the cache holds, the hot one run between each: it stays compiled throughout, so its
        // runs add up (a cache emptied when full would have started it again from zero).
        for (var i = 0; i < 300; i++)
        {
            await Run(hot);
            await Run($"SELECT {i} FROM organizations UNION ALL SELECT {i}");
        }

        Assert.That(lease.StatementCounts.Runs, Is.GreaterThanOrEqualTo(300 + 127), "the hot statement's 300 runs and the last 127 others");
    }
}
