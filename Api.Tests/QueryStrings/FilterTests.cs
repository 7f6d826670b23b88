using System.Net;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.QueryStrings;

/// <summary><c>filter[status]</c> and <c>filter[email]</c> (from 2022-11-14), alone, together and across pages.</summary>
public sealed class FilterTests(DatabaseKind database) : SharedAppTests(database)
{
    private const string Version = "2022-11-14";
    private readonly Dictionary<string, List<string>> _byStatus = [];

    protected override async Task OnStartedAsync()
    {
        // 25 invitations: every 5th cancelled, every 7th accepted, the first 6 expired by the clock; the rest pending.
        for (var i = 0; i < 25; i++)
        {
            if (i == 6)
            {
                App.Clock.Advance(TimeSpan.FromDays(8));
            }

            App.Clock.Advance(TimeSpan.FromSeconds(1));
            var id = await Client.CreateInvitationAsync(Org, $"user{i}@example.com");
            var status = i % 5 == 0 ? "cancelled" : i % 7 == 0 ? "accepted" : i < 6 ? "expired" : "pending";
            if (status is "cancelled" or "accepted")
            {
                await App.Data.SetInvitationStateAsync(id, status);
            }

            _byStatus.TryAdd(status, []);
            _byStatus[status].Add($"user{i}@example.com");
        }
    }

    private async Task<List<string>> WalkAsync(string query)
    {
        var emails = new List<string>();
        string? url = Org.Invites(Version, query + "&limit=10");
        while (url is not null)
        {
            var page = await Client.GetAsync(url, Org.Token);
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.OK), page.Body);
            emails.AddRange(page.Json["data"]!.AsArray().Select(i => i!["attributes"]!["email"]!.GetValue<string>()));
            url = page.Json["links"]!["next"]?.GetValue<string>();
        }

        return emails;
    }

    [TestCase("pending")]
    [TestCase("expired")]
    [TestCase("cancelled")]
    [TestCase("accepted")]
    public async Task Walking_the_pages_of_one_status_visits_exactly_its_invitations(string status)
    {
        Assert.That(await WalkAsync("&filter[status]=" + status), Is.EqualTo(_byStatus[status]));
    }

    [Test]
    public async Task Several_statuses_combine_in_creation_order()
    {
        var expected = Enumerable.Range(0, 25).Select(i => $"user{i}@example.com")
            .Where(e => _byStatus["pending"].Contains(e) || _byStatus["accepted"].Contains(e));

        Assert.That(await WalkAsync("&filter[status]=pending,accepted"), Is.EqualTo(expected));
    }

    [Test]
    public async Task Filters_by_email_in_any_letter_case()
    {
        Assert.That(await WalkAsync("&filter[email]=%20USER12@Example.com"), Is.EqualTo(new[] { "user12@example.com" }));
        Assert.That(await WalkAsync("&filter[email]=user12@example.com&filter[status]=cancelled"), Is.Empty);
    }

    [Test]
    public async Task Pagination_links_keep_the_filters()
    {
        var page = await Client.GetAsync(Org.Invites(Version, "&filter[status]=pending&limit=10"), Org.Token);

        Assert.That(page.Json["links"]!["next"]!.GetValue<string>(), Does.Contain("filter%5Bstatus%5D=pending"));
        Assert.That(page.Json["links"]!["first"]!.GetValue<string>(), Does.Contain("filter%5Bstatus%5D=pending"));
    }

    [TestCase("filter[status]=sent", "filter[status]")]
    [TestCase("filter[status]=pending,", "filter[status]")]
    [TestCase("filter[status]=Pending", "filter[status]")]
    [TestCase("filter[email]=", "filter[email]")]
    [TestCase("filter[role]=admin", "filter[role]")]
    [TestCase("filter=pending", "filter")]
    public async Task Reports_a_bad_filter(string query, string parameter)
    {
        var response = await Client.GetAsync(Org.Invites(Version, "&" + query), Org.Token);

        response.AssertError(HttpStatusCode.BadRequest, parameter: parameter);
    }

    [Test]
    public async Task Reports_an_unknown_status()
    {
        var response = await Client.GetAsync(Org.Invites(Version, "&filter[status]=sent"), Org.Token);

        Snapshot.Match(response);
    }
}
