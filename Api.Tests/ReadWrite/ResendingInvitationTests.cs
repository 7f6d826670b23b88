using System.Net;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.ReadWrite;

/// <summary><c>POST …/resend</c> (from 2024-10-15~beta): 202, expiry renewed from now, <c>resent_at</c> set.</summary>
public sealed class ResendingInvitationTests(DatabaseKind database) : FreshAppTests(database)
{
    private const string Beta = "2024-10-15~beta";

    private Task<ApiResponse> Resend(Guid id, string? body = null) =>
        Client.SendAsync(HttpMethod.Post, Org.Invite(id, "/resend", Beta), Org.Token, body);

    [Test]
    public async Task Resending_renews_the_expiry_from_now()
    {
        var id = await Client.CreateInvitationAsync(Org, "ada@example.com");
        App.Clock.Advance(TimeSpan.FromDays(3));

        var response = await Resend(id);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Accepted));
        var attributes = response.Json["data"]!["attributes"]!;
        Assert.That(attributes["resent_at"]!.GetValue<string>(), Is.EqualTo("2026-11-26T02:40:57Z"));
        Assert.That(attributes["expires_at"]!.GetValue<string>(), Is.EqualTo("2026-12-03T02:40:57Z"));
        Assert.That(attributes["status"]!.GetValue<string>(), Is.EqualTo("pending"));
        var stored = await Client.GetAsync(Org.Invite(id, version: Beta), Org.Token);
        Assert.That(stored.Json["data"]!["attributes"]!["expires_at"]!.GetValue<string>(), Is.EqualTo("2026-12-03T02:40:57Z"));
        Snapshot.Match(response);
    }

    [Test]
    public async Task Resending_revives_an_expired_invitation()
    {
        var id = await Client.CreateInvitationAsync(Org, "ada@example.com");
        App.Clock.Advance(TimeSpan.FromDays(10));

        var response = await Resend(id);

        Assert.That(response.Json["data"]!["attributes"]!["status"]!.GetValue<string>(), Is.EqualTo("pending"));
        Assert.That(response.Json["data"]!["attributes"]!["expired"]!.GetValue<bool>(), Is.False);
    }

    [Test]
    public async Task Cannot_revive_an_expired_invitation_superseded_by_a_new_one()
    {
        var old = await Client.CreateInvitationAsync(Org, "ada@example.com");
        App.Clock.Advance(TimeSpan.FromDays(10));
        await Client.CreateInvitationAsync(Org, "ADA@example.com");

        var response = await Resend(old);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(response.Error["code"]!.GetValue<string>(), Is.EqualTo("already_exists"));
    }

    [TestCase("cancelled")]
    [TestCase("accepted")]
    public async Task Cannot_resend_an_answered_or_cancelled_invitation(string state)
    {
        var id = await Client.CreateInvitationAsync(Org, "ada@example.com");
        await App.Data.SetInvitationStateAsync(id, state);

        var response = await Resend(id);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(response.Error["code"]!.GetValue<string>(), Is.EqualTo("invalid_state"));
        Snapshot.Match(response, state);
    }

    [Test]
    public async Task Resend_takes_no_document()
    {
        var id = await Client.CreateInvitationAsync(Org, "ada@example.com");

        var response = await Resend(id, "{}");

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Error["source"]!["pointer"]!.GetValue<string>(), Is.Empty);
    }

    [Test]
    public async Task Resend_needs_the_invite_permission()
    {
        var id = await Client.CreateInvitationAsync(Org, "ada@example.com");
        var reader = await App.CreateTokenAsync(Org.Id, "org.read", "org.user.read");

        var response = await Client.SendAsync(HttpMethod.Post, Org.Invite(id, "/resend", Beta), reader);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Forbidden));
    }
}
