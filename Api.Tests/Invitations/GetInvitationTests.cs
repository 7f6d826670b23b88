using System.Net;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.Invitations;

public sealed class GetInvitationTests
{
    private TestApp _app = null!;
    private HttpClient _client = null!;
    private TestOrganization _org = null!;
    private Guid _invitation;

    [OneTimeSetUp]
    public async Task Start()
    {
        _app = new TestApp();
        _client = _app.CreateClient();
        _org = await _app.CreateOrganizationAsync();
        _invitation = await _client.CreateInvitationAsync(_org, "ada@example.com", "admin");
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _client.Dispose();
        _app.Dispose();
    }

    [Test]
    public async Task Can_get_an_invitation()
    {
        var response = await _client.GetAsync(_org.Invite(_invitation), _org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK));
        Snapshot.Match(response);
    }

    [Test]
    public async Task Can_get_an_invitation_with_its_role()
    {
        var response = await _client.GetAsync(_org.Invite(_invitation, query: "&include=role"), _org.Token);

        Assert.That(response.Json["included"]!.AsArray(), Has.Count.EqualTo(1));
        Assert.That(response.Json["included"]![0]!["id"]!.GetValue<string>(), Is.EqualTo(_org.Roles["admin"].ToString()));
    }

    [Test]
    public async Task Can_get_the_role_linkage_of_an_invitation()
    {
        var response = await _client.GetAsync(_org.Invite(_invitation, "/relationships/role"), _org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK));
        Snapshot.Match(response);
    }

    [Test]
    public async Task Can_get_the_role_of_an_invitation()
    {
        var response = await _client.GetAsync(_org.Invite(_invitation, "/role"), _org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK));
        Snapshot.Match(response);
    }

    [TestCase("")]
    [TestCase("/role")]
    [TestCase("/relationships/role")]
    public async Task Cannot_get_an_unknown_invitation(string suffix)
    {
        var response = await _client.GetAsync(_org.Invite(Guid.NewGuid(), suffix), _org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Error["code"]!.GetValue<string>(), Is.EqualTo("not_found"));
    }

    [Test]
    public async Task Cannot_get_an_invitation_by_a_malformed_id()
    {
        var response = await _client.GetAsync($"/orgs/{_org.Id}/invites/not-a-uuid?version=2021-06-04", _org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Snapshot.Match(response);
    }

    [Test]
    public async Task Cannot_see_an_invitation_of_another_organization_even_with_its_id()
    {
        var other = await _app.CreateOrganizationAsync("Other");

        var viaOtherPath = await _client.GetAsync($"/orgs/{other.Id}/invites/{_invitation}?version=2021-06-04", other.Token);
        var viaOwnPathWithOtherToken = await _client.GetAsync(_org.Invite(_invitation), other.Token);

        Assert.That(viaOtherPath.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(viaOwnPathWithOtherToken.Status, Is.EqualTo(HttpStatusCode.NotFound));
    }
}
