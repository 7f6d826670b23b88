using System.Net;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.ReadWrite;

public sealed class FetchingInvitationTests(DatabaseKind database) : SharedAppTests(database)
{
    private Guid _invitation;

    protected override async Task OnStartedAsync()
    {
        _invitation = await Client.CreateInvitationAsync(Org, "ada@example.com", "admin");
    }

    [Test]
    public async Task Can_get_an_invitation()
    {
        var response = await Client.GetAsync(Org.Invite(_invitation), Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK));
        Snapshot.Match(response);
    }

    [Test]
    public async Task Can_get_an_invitation_with_its_role()
    {
        var response = await Client.GetAsync(Org.Invite(_invitation, query: "&include=role"), Org.Token);

        Assert.That(response.Json["included"]!.AsArray(), Has.Count.EqualTo(1));
        Assert.That(response.Json["included"]![0]!["id"]!.GetValue<string>(), Is.EqualTo(Org.Roles["admin"].ToString()));
    }

    [TestCase("")]
    [TestCase("/role")]
    [TestCase("/relationships/role")]
    [TestCase("/organization")]
    [TestCase("/relationships/organization")]
    public async Task Cannot_get_an_unknown_invitation(string suffix)
    {
        var response = await Client.GetAsync(Org.Invite(Guid.NewGuid(), suffix), Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Error["code"]!.GetValue<string>(), Is.EqualTo("not_found"));
    }

    [Test]
    public async Task Cannot_get_an_invitation_by_a_malformed_id()
    {
        var response = await Client.GetAsync($"/orgs/{Org.Id}/invites/not-a-uuid?version=2021-06-04", Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Snapshot.Match(response);
    }

    [Test]
    public async Task Cannot_see_an_invitation_of_another_organization_even_with_its_id()
    {
        var other = await App.CreateOrganizationAsync("Other");

        var viaOtherPath = await Client.GetAsync($"/orgs/{other.Id}/invites/{_invitation}?version=2021-06-04", other.Token);
        var viaOwnPathWithOtherToken = await Client.GetAsync(Org.Invite(_invitation), other.Token);

        Assert.That(viaOtherPath.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(viaOwnPathWithOtherToken.Status, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [TestCase("", "", TestName = "The top-level self link is the request as made, with the version only")]
    [TestCase("&include=role&fields[role]=key", "&include=role&fields%5Brole%5D=key", TestName = "The top-level self link is the request as made, every parameter kept")]
    public async Task The_top_level_self_link_is_the_request_as_made(string query, string linked)
    {
        var url = Org.Invite(_invitation, query: query);

        var response = await Client.GetAsync(url, Org.Token);

        Assert.That(response.Json["links"]!["self"]!.GetValue<string>(), Is.EqualTo(Org.Invite(_invitation, query: linked)));
        Assert.That(response.Json["data"]!["links"]!["self"]!.GetValue<string>(), Is.EqualTo(Org.Invite(_invitation)));
    }

    [Test]
    public async Task Head_answers_as_get_without_a_body()
    {
        var get = await Client.GetAsync(Org.Invite(_invitation), Org.Token);
        var head = await Client.SendAsync(HttpMethod.Head, Org.Invite(_invitation), Org.Token);
        var missing = await Client.SendAsync(HttpMethod.Head, Org.Invite(Guid.NewGuid()), Org.Token);

        Assert.That(head.Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(head.Body, Is.Empty);
        Assert.That(head.Header("Content-Type"), Is.EqualTo(get.Header("Content-Type")));
        Assert.That(head.Header("api-version-served"), Is.EqualTo(get.Header("api-version-served")));
        Assert.That(missing.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(missing.Body, Is.Empty);
    }

    [Test]
    public async Task Documents_are_sent_with_their_length()
    {
        // A page several times 4 KiB (a single resource's buffer).
        var org = await App.CreateOrganizationAsync("Lengths");
        for (var i = 0; i < 20; i++)
        {
            await Client.CreateInvitationAsync(org, $"length{i}@example.com");
        }

        var one = await Client.GetAsync(Org.Invite(_invitation), Org.Token);
        var page = await Client.GetAsync(org.Invites(query: "&limit=20&include=role"), org.Token);
        var head = await Client.SendAsync(HttpMethod.Head, org.Invites(query: "&limit=20&include=role"), org.Token);
        var missing = await Client.GetAsync(Org.Invite(Guid.NewGuid()), Org.Token);

        Assert.That(page.Json["data"]!.AsArray(), Has.Count.EqualTo(20));
        Assert.That(System.Text.Encoding.UTF8.GetByteCount(page.Body), Is.GreaterThan(4 * 4096));
        Assert.That(missing.Status, Is.EqualTo(HttpStatusCode.NotFound));
        foreach (var response in new[] { one, page, missing })
        {
            Assert.That(response.ContentHeaders?.ContentLength, Is.EqualTo(System.Text.Encoding.UTF8.GetByteCount(response.Body)));
        }

        Assert.That(head.Body, Is.Empty);
        Assert.That(head.ContentHeaders?.ContentLength, Is.EqualTo(page.ContentHeaders!.ContentLength));
    }
}
