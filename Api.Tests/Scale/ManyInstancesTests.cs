using System.Net;
using System.Text.RegularExpressions;
using JsonApiInvites.Api.Email;
using JsonApiInvites.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace JsonApiInvites.Api.Tests.Scale;

/// <summary>
/// SPEC §9: any number of servers share one database. Two servers (two hosts, each with its own services, pools and
/// caches) on one database: uniqueness, list order and cursor walks, the outbox and migrations hold across them.
/// Runs on PostgreSQL, the multi-instance deployment, and on SQLite (two processes on one file) alike.
/// </summary>
public sealed partial class ManyInstancesTests(DatabaseKind database) : EveryDatabaseTests(database)
{
    /// <summary>Two servers on one database (the first owns it); an organization made through the first.</summary>
    private async Task<(TestApp A, HttpClient ClientA, TestApp B, HttpClient ClientB, TestOrganization Org)> StartTwoAsync(Dictionary<string, string?>? settings = null)
    {
        var a = Track(new TestApp(Database, settings));
        var clientA = Track(a.CreateClient());
        var org = await a.CreateOrganizationAsync();
        var b = Track(new TestApp(Database, settings, a.HandOver()));
        var clientB = Track(b.CreateClient());
        return (a, clientA, b, clientB, org);
    }

    [Test]
    public async Task Concurrent_creates_of_one_email_on_two_servers_make_exactly_one_invitation()
    {
        var (_, clientA, b, clientB, org) = await StartTwoAsync();
        using var start = new SemaphoreSlim(0);

        var requests = Enumerable.Range(0, 40).Select(async i =>
        {
            await start.WaitAsync();
            var client = i % 2 == 0 ? clientA : clientB;
            return await client.PostAsync(org.Invites(), org.Token, JsonApiClient.NewInvitation(i % 3 == 0 ? "ada@example.com" : " ADA@example.COM", org.Roles["viewer"]));
        }).ToList();
        start.Release(requests.Count);
        var responses = await Task.WhenAll(requests);

        Assert.That(responses.Count(r => r.Status == HttpStatusCode.Created), Is.EqualTo(1));
        Assert.That(responses.Where(r => r.Status != HttpStatusCode.Created).Select(r => (r.Status, r.Error["code"]!.GetValue<string>())),
            Has.All.EqualTo((HttpStatusCode.Conflict, "already_exists")));
        Assert.That(await b.Data.CountAsync("invitations"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_cursor_walk_while_both_servers_create_visits_every_earlier_invitation_once_in_commit_order()
    {
        var (_, clientA, b, clientB, org) = await StartTwoAsync();
        var existing = new List<string>();
        for (var i = 0; i < 25; i++)
        {
            existing.Add((await clientA.CreateInvitationAsync(org, $"early{i}@example.com")).ToString());
        }

        // Both servers create while one client walks the list page by page, alternating servers, and another
        // reads the whole list again and again.
        var creates = Task.WhenAll(Enumerable.Range(0, 100).Select(i =>
            (i % 2 == 0 ? clientA : clientB).PostAsync(org.Invites(), org.Token, JsonApiClient.NewInvitation($"late{i}@example.com", org.Roles["viewer"]))));
        var snapshots = Task.Run(async () =>
        {
            var lists = new List<List<string>>();
            while (!creates.IsCompleted)
            {
                lists.Add(await ListIdsAsync(lists.Count % 2 == 0 ? clientA : clientB, org));
            }

            return lists;
        });
        var walked = new List<string>();
        var next = org.Invites("2022-11-14", "&limit=10");
        var page = 0;
        while (next is not null)
        {
            var response = await (page++ % 2 == 0 ? clientB : clientA).GetAsync(next, org.Token);
            Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK), response.Body);
            walked.AddRange(response.Json["data"]!.AsArray().Select(item => item!["id"]!.GetValue<string>()));
            next = response.Json["links"]!["next"]?.GetValue<string>();
        }

        var created = await creates;
        var seen = await snapshots;
        var final = await ListIdsAsync(clientB, org);

        Assert.That(created.Select(r => r.Status), Has.All.EqualTo(HttpStatusCode.Created));
        Assert.That(walked, Is.Unique, "no invitation is visited twice");
        Assert.That(walked.Intersect(existing), Is.EqualTo(existing), "every invitation that existed when the walk began, once, in order");
        Assert.That(final, Has.Count.EqualTo(125));
        var stored = await b.Data.InvitationsAsync();
        Assert.That(stored.Select(i => i.CreatedAt).Distinct().Count(), Is.EqualTo(125), "each commit gets its own position, whichever server made it");
        Assert.That(walked, Is.EqualTo(final.Take(walked.Count)), "what the walk saw is a prefix of the final order");
        Assert.That(seen, Is.Not.Empty);
        Assert.That(seen, Has.All.Matches<List<string>>(ids => ids.SequenceEqual(final.Take(ids.Count))), "nothing committed later lands before what a client has seen");
    }

    [Test]
    public async Task Each_queued_email_is_delivered_once_while_both_dispatchers_run()
    {
        using var smtp = new FakeSmtpServer();
        var (a, clientA, b, _, org) = await StartTwoAsync(smtp.Settings());
        for (var i = 0; i < 30; i++)
        {
            await clientA.CreateInvitationAsync(org, $"user{i}@example.com");
        }

        // Both servers' dispatchers claim and send at once, each in several concurrent loops.
        var dispatchers = new[] { a, b }.Select(app => app.Services.GetRequiredService<OutboxDispatcher>()).ToList();
        var delivered = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() => dispatchers[i % 2].DispatchDueAsync(CancellationToken.None))));

        var messageIds = smtp.Messages.Select(m => MessageId().Match(m).Groups[1].Value).ToList();
        Assert.That(delivered.Sum(), Is.EqualTo(30), string.Join("\n", a.Logs.Lines.Concat(b.Logs.Lines).Where(l => !l.StartsWith("Information", StringComparison.Ordinal))));
        Assert.That(messageIds, Has.Count.EqualTo(30).And.Unique, "no email went out twice");
        Assert.That((await b.Data.OutboxAsync()).Select(e => (e.SentAt is not null, e.Attempts)), Has.All.EqualTo((true, 1)));
    }

    [Test]
    public async Task Two_servers_starting_together_on_an_empty_database_migrate_it_once()
    {
        var first = Track(new TestApp(Database));
        var second = Track(new TestApp(Database, store: first.HandOver()));

        // Starting a host runs its migrations; both start at once.
        await Task.WhenAll(Task.Run(() => first.Services), Task.Run(() => second.Services));

        var applied = first.Logs.Lines.Concat(second.Logs.Lines).Where(l => l.Contains("Applied database migration", StringComparison.Ordinal)).ToList();
        var migrations = first.Services.GetRequiredService<JsonApiInvites.Persistence.Migrator>().Migrations;
        Assert.That(applied, Has.Count.EqualTo(migrations.Count), "each migration applied by exactly one of them");
        Assert.That(await second.Data.AppliedMigrationsAsync(), Is.EqualTo(migrations.Select(m => (m.Version, m.Name))));
        using var client = second.CreateClient();
        Assert.That((await client.GetAsync(new Uri("/healthz/ready", UriKind.Relative))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    /// <summary>The whole list, following <c>next</c> from the first page of 100.</summary>
    private static async Task<List<string>> ListIdsAsync(HttpClient client, TestOrganization org)
    {
        var ids = new List<string>();
        for (var next = org.Invites("2022-11-14", "&limit=100"); next is not null;)
        {
            var page = (await client.GetAsync(next, org.Token)).Json;
            ids.AddRange(page["data"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()));
            next = page["links"]!["next"]?.GetValue<string>();
        }

        return ids;
    }

    [GeneratedRegex(@"Message-Id: <([^>]+)>", RegexOptions.IgnoreCase)]
    private static partial Regex MessageId();
}
