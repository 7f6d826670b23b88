using System.Diagnostics;
using System.Net;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.Cli;

/// <summary>SPEC §7: a token revoked through the CLI is refused by every server on the database within 5 s.</summary>
public sealed class TokenRevocationTests(DatabaseKind database) : EveryDatabaseTests(database)
{
    [Test]
    public async Task A_revoked_token_is_refused_by_every_server_within_5_seconds()
    {
        var first = Track(new TestApp(Database));
        var org = await first.CreateOrganizationAsync();
        var second = Track(new TestApp(Database, store: first.HandOver()));
        var servers = new[] { Track(first.CreateClient()), Track(second.CreateClient()) };
        foreach (var server in servers)
        {
            Assert.That((await server.GetAsync(org.RolesPath(), org.Token)).Status, Is.EqualTo(HttpStatusCode.OK), "both servers know (and cache) the token");
        }

        var id = (await first.Data.TokenIdsAsync()).Single();
        var (code, _, error) = await first.RunCliAsync("tokens", "revoke", "--id", id.ToString());
        Assert.That(code, Is.Zero, error);
        var revoked = Stopwatch.StartNew();

        var refusedAfter = new TimeSpan[servers.Length];
        for (var i = 0; i < servers.Length; i++)
        {
            while ((await servers[i].GetAsync(org.RolesPath(), org.Token)).Status != HttpStatusCode.Unauthorized)
            {
                Assert.That(revoked.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), $"server {i + 1} still accepts the revoked token");
                await Task.Delay(100);
            }

            refusedAfter[i] = revoked.Elapsed;
        }

        Assert.That(refusedAfter, Is.All.LessThanOrEqualTo(TimeSpan.FromSeconds(5)));
    }
}
