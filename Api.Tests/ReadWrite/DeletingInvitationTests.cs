using System.Net;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.ReadWrite;

public sealed class DeletingInvitationTests(DatabaseKind database) : FreshAppTests(database)
{
    [Test]
    public async Task Can_cancel_an_invitation_and_the_row_stays()
    {
        var id = await Client.CreateInvitationAsync(Org, "ada@example.com");

        var response = await Client.DeleteAsync(Org.Invite(id), Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(response.Body, Is.Empty);
        Assert.That((await App.Data.InvitationAsync(id)).State, Is.EqualTo("cancelled"));
    }

    [Test]
    public async Task Cannot_cancel_an_invitation_twice()
    {
        var id = await Client.CreateInvitationAsync(Org, "ada@example.com");
        await Client.DeleteAsync(Org.Invite(id), Org.Token);

        var second = await Client.DeleteAsync(Org.Invite(id), Org.Token);
        var get = await Client.GetAsync(Org.Invite(id), Org.Token);

        Assert.That(second.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Snapshot.Match(second);
        Assert.That(get.Status, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Can_cancel_an_expired_invitation()
    {
        var id = await Client.CreateInvitationAsync(Org, "ada@example.com");
        App.Clock.Advance(TimeSpan.FromDays(8));

        var response = await Client.DeleteAsync(Org.Invite(id), Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NoContent));
    }

    [Test]
    public async Task Cannot_cancel_an_invitation_of_another_organization()
    {
        var id = await Client.CreateInvitationAsync(Org, "ada@example.com");
        var other = await App.CreateOrganizationAsync("Other");

        var response = await Client.DeleteAsync($"/orgs/{other.Id}/invites/{id}?version=2021-06-04", other.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await App.Data.InvitationAsync(id)).State, Is.EqualTo("pending"));
    }
}
