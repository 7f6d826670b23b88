using System.Net;
using Dapper;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.Invitations;

public sealed class CancelInvitationTests
{
    private TestApp _app = null!;
    private HttpClient _client = null!;
    private TestOrganization _org = null!;

    [SetUp]
    public async Task Start()
    {
        _app = new TestApp();
        _client = _app.CreateClient();
        _org = await _app.CreateOrganizationAsync();
    }

    [TearDown]
    public void Stop()
    {
        _client.Dispose();
        _app.Dispose();
    }

    [Test]
    public async Task Can_cancel_an_invitation_and_the_row_stays()
    {
        var id = await _client.CreateInvitationAsync(_org, "ada@example.com");

        var response = await _client.DeleteAsync(_org.Invite(id), _org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(response.Body, Is.Empty);
        using var db = _app.OpenDatabase();
        var state = await db.ExecuteScalarAsync<string>("SELECT state FROM invitations WHERE id = @Id", new { Id = id.ToString() });
        Assert.That(state, Is.EqualTo("cancelled"));
    }

    [Test]
    public async Task Cannot_cancel_an_invitation_twice()
    {
        var id = await _client.CreateInvitationAsync(_org, "ada@example.com");
        await _client.DeleteAsync(_org.Invite(id), _org.Token);

        var second = await _client.DeleteAsync(_org.Invite(id), _org.Token);
        var get = await _client.GetAsync(_org.Invite(id), _org.Token);

        Assert.That(second.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Snapshot.Match(second);
        Assert.That(get.Status, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Can_cancel_an_expired_invitation()
    {
        var id = await _client.CreateInvitationAsync(_org, "ada@example.com");
        _app.Clock.Advance(TimeSpan.FromDays(8));

        var response = await _client.DeleteAsync(_org.Invite(id), _org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NoContent));
    }

    [Test]
    public async Task Cannot_cancel_an_invitation_of_another_organization()
    {
        var id = await _client.CreateInvitationAsync(_org, "ada@example.com");
        var other = await _app.CreateOrganizationAsync("Other");

        var response = await _client.DeleteAsync($"/orgs/{other.Id}/invites/{id}?version=2021-06-04", other.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NotFound));
        using var db = _app.OpenDatabase();
        Assert.That(await db.ExecuteScalarAsync<string>("SELECT state FROM invitations"), Is.EqualTo("pending"));
    }
}
