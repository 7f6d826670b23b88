using System.Net;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.Invitations;

/// <summary>SPEC §5: one pending invitation per (organization, case-insensitive email), decided by the database.</summary>
public sealed class DuplicateInvitationTests(DatabaseKind database) : FreshAppTests(database)
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
        Assert.That(await App.Data.CountAsync("invitations"), Is.EqualTo(1));
    }

    [Test]
    public async Task Concurrent_creates_for_different_emails_all_succeed()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            Client.PostAsync(Org.Invites(), Org.Token, JsonApiClient.NewInvitation($"user{i}@example.com", Org.Roles["viewer"]))));

        Assert.That(responses.Select(r => r.Status), Has.All.EqualTo(HttpStatusCode.Created));
        Assert.That(await App.Data.CountAsync("invitations"), Is.EqualTo(30));
    }

    [Test]
    public async Task The_same_email_may_be_pending_in_two_organizations()
    {
        var other = await App.CreateOrganizationAsync("Other");

        await Client.CreateInvitationAsync(Org, "ada@example.com");
        await Client.CreateInvitationAsync(other, "ada@example.com");

        Assert.That((await App.Data.InvitationsAsync()).Select(i => i.State), Is.EqualTo(new[] { "pending", "pending" }));
    }

    [Test]
    public async Task Concurrent_creates_are_listed_in_commit_order_so_a_page_walk_misses_none()
    {
        // Invitations committed together share the frozen clock's millisecond; the store spaces them out so that
        // (created_at, id) order is commit order. Then every list a client reads while creates go on is a prefix
        // of the final order: nothing committed later can land before what a client has already seen.
        var creates = Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            Client.PostAsync(Org.Invites(), Org.Token, JsonApiClient.NewInvitation($"user{i}@example.com", Org.Roles["viewer"]))));
        var seen = new List<List<string>>();
        while (!creates.IsCompleted)
        {
            seen.Add(await ListIdsAsync());
        }

        await creates;
        var final = await ListIdsAsync();

        Assert.That(final, Has.Count.EqualTo(30));
        Assert.That(seen, Has.All.Matches<List<string>>(ids => ids.SequenceEqual(final.Take(ids.Count))), "every list read meanwhile is a prefix of the final one");
        var stored = await App.Data.InvitationsAsync();
        Assert.That(stored.Select(i => i.CreatedAt).Distinct().Count(), Is.EqualTo(30), "each commit gets its own position");
    }

    private async Task<List<string>> ListIdsAsync() =>
        [.. (await Client.GetAsync(Org.Invites("2022-11-14", "&limit=100"), Org.Token)).Json["data"]!.AsArray().Select(i => i!["id"]!.GetValue<string>())];
}
