using System.Net;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.ReadWrite;

public sealed class ListingInvitationTests(DatabaseKind database) : FreshAppTests(database)
{
    private static List<string> Ids(ApiResponse page) => [.. page.Json["data"]!.AsArray().Select(r => r!["id"]!.GetValue<string>())];

    private static string? Link(ApiResponse page, string name) => page.Json["links"]![name]?.GetValue<string>();

    private async Task<List<string>> CreateMany(int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            ids.Add((await Client.CreateInvitationAsync(Org, $"user{i:D3}@example.com")).ToString());

            // Several invitations are created within one millisecond of the clock: the list still keeps creation order.
            if (i % 3 == 2)
            {
                App.Clock.Advance(TimeSpan.FromMilliseconds(1));
            }
        }

        return ids;
    }

    [Test]
    public async Task Can_list_no_invitations()
    {
        var response = await Client.GetAsync(Org.Invites(), Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK));
        Snapshot.Match(response);
    }

    [Test]
    public async Task Can_list_invitations_with_their_roles_included_once()
    {
        foreach (var (email, role) in new[] { ("ada@example.com", "viewer"), ("bob@example.com", "viewer"), ("cy@example.com", "admin") })
        {
            await Client.CreateInvitationAsync(Org, email, role);
            App.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        var response = await Client.GetAsync(Org.Invites("2021-06-04", "&include=role"), Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Json["included"]!.AsArray(), Has.Count.EqualTo(2));
        Snapshot.Match(response);
    }

    [Test]
    public async Task Walking_next_from_first_visits_every_invitation_once_in_creation_order()
    {
        var created = await CreateMany(25);

        var seen = new List<string>();
        var url = Org.Invites();
        var pages = 0;
        while (url is not null)
        {
            var page = await Client.GetAsync(url, Org.Token);
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.OK), page.Body);
            Assert.That(Link(page, "prev") is null, Is.EqualTo(pages == 0));
            seen.AddRange(Ids(page));
            url = Link(page, "next");
            pages++;
        }

        Assert.That(pages, Is.EqualTo(3));
        Assert.That(seen, Is.EqualTo(created));
    }

    [Test]
    public async Task Walking_prev_from_the_last_page_returns_the_earlier_pages()
    {
        await CreateMany(25);
        var first = await Client.GetAsync(Org.Invites(), Org.Token);
        var second = await Client.GetAsync(Link(first, "next")!, Org.Token);
        var third = await Client.GetAsync(Link(second, "next")!, Org.Token);

        var backToSecond = await Client.GetAsync(Link(third, "prev")!, Org.Token);
        var backToFirst = await Client.GetAsync(Link(backToSecond, "prev")!, Org.Token);

        Assert.Multiple(() =>
        {
            Assert.That(Ids(third), Has.Count.EqualTo(5));
            Assert.That(Link(third, "next"), Is.Null);
            Assert.That(Ids(backToSecond), Is.EqualTo(Ids(second)));
            Assert.That(Ids(backToFirst), Is.EqualTo(Ids(first)));
            Assert.That(Link(backToFirst, "prev"), Is.Null);
            Assert.That(Link(backToFirst, "next"), Is.Not.Null);
        });
    }

    [Test]
    public async Task Pages_keep_the_other_parameters_and_show_their_links()
    {
        await CreateMany(25);
        var first = await Client.GetAsync(Org.Invites("2021-06-04", "&limit=10&include=role"), Org.Token);

        var second = await Client.GetAsync(Link(first, "next")!, Org.Token);

        Assert.That(second.Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(second.Json["included"], Is.Not.Null);
        Assert.That(Link(second, "first"), Is.EqualTo(Link(first, "first")));
        Snapshot.Match(new ApiResponse(second.Status, second.Headers, second.ContentHeaders, $"{{\"links\":{second.Json["links"]!.ToJsonString()}}}"));
    }

    [Test]
    public async Task Invitations_created_while_walking_appear_at_the_end_without_repeating_others()
    {
        await CreateMany(15);
        var first = await Client.GetAsync(Org.Invites(), Org.Token);
        App.Clock.Advance(TimeSpan.FromSeconds(1));
        var late = (await Client.CreateInvitationAsync(Org, "late@example.com")).ToString();

        var second = await Client.GetAsync(Link(first, "next")!, Org.Token);

        Assert.That(Ids(second), Has.Count.EqualTo(6));
        Assert.That(Ids(second)[^1], Is.EqualTo(late));
        Assert.That(Ids(second).Intersect(Ids(first)), Is.Empty);
    }

    [TestCase("100", 25)]
    [TestCase("20", 20)]
    public async Task Can_choose_the_page_size(string limit, int count)
    {
        await CreateMany(25);

        var response = await Client.GetAsync(Org.Invites("2021-06-04", $"&limit={limit}"), Org.Token);

        Assert.That(Ids(response), Has.Count.EqualTo(count));
    }

    [TestCase("limit=5", "limit")]
    [TestCase("limit=15", "limit")]
    [TestCase("limit=110", "limit")]
    [TestCase("limit=0", "limit")]
    [TestCase("limit=ten", "limit")]
    [TestCase("limit=-10", "limit")]
    [TestCase("starting_after=abc", "starting_after")]
    [TestCase("ending_before=v1.AAAA", "ending_before")]
    [TestCase("starting_after=v1.eyJ0IjoxfQ&ending_before=v1.eyJ0IjoxfQ", "ending_before")]
    [TestCase("page[size]=10", "page[size]")]
    [TestCase("sort=email", "sort")]
    [TestCase("filter[status]=pending", "filter[status]")]
    public async Task Cannot_list_with_bad_paging_or_unknown_parameters(string query, string parameter)
    {
        var response = await Client.GetAsync(Org.Invites("2021-06-04", "&" + query), Org.Token);

        response.AssertError(HttpStatusCode.BadRequest, parameter: parameter);
    }

    [Test]
    public async Task Reports_a_bad_limit()
    {
        var response = await Client.GetAsync(Org.Invites("2021-06-04", "&limit=15"), Org.Token);

        Snapshot.Match(response);
    }

    [Test]
    public async Task Shows_pending_and_expired_but_not_cancelled_invitations_at_2021_06_04()
    {
        var pending = await Client.CreateInvitationAsync(Org, "pending@example.com");
        var cancelled = await Client.CreateInvitationAsync(Org, "cancelled@example.com");
        await Client.DeleteAsync(Org.Invite(cancelled), Org.Token);
        App.Clock.Advance(TimeSpan.FromDays(6));
        var fresh = await Client.CreateInvitationAsync(Org, "fresh@example.com");
        App.Clock.Advance(TimeSpan.FromDays(1));

        var response = await Client.GetAsync(Org.Invites(), Org.Token);

        var expired = response.Json["data"]!.AsArray().ToDictionary(r => r!["id"]!.GetValue<string>(), r => r!["attributes"]!["expired"]!.GetValue<bool>());
        Assert.That(expired, Is.EqualTo(new Dictionary<string, bool> { [pending.ToString()] = true, [fresh.ToString()] = false }));
    }
}
