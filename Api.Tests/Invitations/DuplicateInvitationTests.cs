using System.Net;
using Dapper;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.Invitations;

/// <summary>SPEC §5: one pending invitation per (organization, case-insensitive email), decided by the database.</summary>
public sealed class DuplicateInvitationTests : FreshAppTests
{
    [Test]
    public async Task Fifty_concurrent_creates_for_one_email_make_exactly_one_invitation()
    {
        var role = Org.Roles["viewer"];
        var emails = Enumerable.Range(0, 50).Select(i => i % 2 == 0 ? "ada@example.com" : " ADA@Example.COM ").ToList();
        using var start = new SemaphoreSlim(0);

        var requests = emails.Select(async email =>
        {
            await start.WaitAsync();
            return await Client.PostAsync(Org.Invites(), Org.Token, JsonApiClient.NewInvitation(email, role));
        }).ToList();
        start.Release(emails.Count);
        var responses = await Task.WhenAll(requests);

        Assert.That(responses.Count(r => r.Status == HttpStatusCode.Created), Is.EqualTo(1));
        var refused = responses.Where(r => r.Status != HttpStatusCode.Created).Select(r => (r.Status, r.Error["code"]!.GetValue<string>())).ToList();
        Assert.That(refused, Has.Count.EqualTo(49));
        Assert.That(refused, Has.All.EqualTo((HttpStatusCode.Conflict, "already_exists")));
        using var db = App.OpenDatabase();
        Assert.That(await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM invitations"), Is.EqualTo(1));
    }

    [Test]
    public async Task Concurrent_creates_for_different_emails_all_succeed()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            Client.PostAsync(Org.Invites(), Org.Token, JsonApiClient.NewInvitation($"user{i}@example.com", Org.Roles["viewer"]))));

        Assert.That(responses.Select(r => r.Status), Has.All.EqualTo(HttpStatusCode.Created));
        using var db = App.OpenDatabase();
        Assert.That(await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM invitations"), Is.EqualTo(30));
    }

    [Test]
    public async Task The_same_email_may_be_pending_in_two_organizations()
    {
        var other = await App.CreateOrganizationAsync("Other");

        await Client.CreateInvitationAsync(Org, "ada@example.com");
        await Client.CreateInvitationAsync(other, "ada@example.com");

        using var db = App.OpenDatabase();
        Assert.That(await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM invitations WHERE state = 'pending'"), Is.EqualTo(2));
    }

    [Test]
    public async Task Concurrent_creates_are_listed_in_commit_order_so_a_page_walk_misses_none()
    {
        // Invitations committed in one group share the frozen clock's millisecond; the store spaces them out so that
        // (created_at, id) order is commit order and nothing can land behind a cursor a client already holds.
        var first = await Client.GetAsync(Org.Invites("2022-11-14", "&limit=10"), Org.Token);
        await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            Client.PostAsync(Org.Invites(), Org.Token, JsonApiClient.NewInvitation($"user{i}@example.com", Org.Roles["viewer"]))));

        using var db = App.OpenDatabase();
        var times = (await db.QueryAsync<long>("SELECT created_at FROM invitations ORDER BY rowid")).ToList();
        Assert.That(first.Json["data"]!.AsArray(), Is.Empty);
        Assert.That(times, Is.Ordered.Ascending);
        Assert.That(times.Distinct().Count(), Is.EqualTo(30), "each commit gets its own position");
    }
}
