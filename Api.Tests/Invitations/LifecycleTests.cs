using System.Net;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.Invitations;

/// <summary>SPEC §5: statuses follow the stored state and the clock; expiry comes from Invites:ExpiryDays.</summary>
public sealed class LifecycleTests(DatabaseKind database) : EveryDatabaseTests(database)
{
    private const string Version = "2022-11-14";

    [Test]
    public async Task Expiry_is_Invites_ExpiryDays_after_creation_and_flips_exactly_then()
    {
        using var app = new TestApp(Database, new Dictionary<string, string?> { ["Invites:ExpiryDays"] = "2" });
        using var client = app.CreateClient();
        var org = await app.CreateOrganizationAsync();
        var id = await client.CreateInvitationAsync(org, "ada@example.com");

        async Task<(string Status, bool Expired, string ExpiresAt)> Read()
        {
            var attributes = (await client.GetAsync(org.Invite(id, version: Version), org.Token)).Json["data"]!["attributes"]!;
            return (attributes["status"]!.GetValue<string>(), attributes["expired"]!.GetValue<bool>(), attributes["expires_at"]!.GetValue<string>());
        }

        var fresh = await Read();
        app.Clock.Advance(TimeSpan.FromDays(2) - TimeSpan.FromMilliseconds(1));
        var justBefore = await Read();
        app.Clock.Advance(TimeSpan.FromMilliseconds(1));
        var atExpiry = await Read();

        Assert.That(fresh, Is.EqualTo(("pending", false, "2026-11-25T02:40:57Z")));
        Assert.That(justBefore.Status, Is.EqualTo("pending"));
        Assert.That(atExpiry.Status, Is.EqualTo("expired"));
        Assert.That(atExpiry.Expired, Is.True);
    }

    [Test]
    public async Task An_accepted_invitation_cannot_be_cancelled_and_keeps_its_status()
    {
        using var app = new TestApp(Database);
        using var client = app.CreateClient();
        var org = await app.CreateOrganizationAsync();
        var id = await client.CreateInvitationAsync(org, "ada@example.com");
        await app.Data.SetInvitationStateAsync(id, "accepted");

        var cancel = await client.DeleteAsync(org.Invite(id, version: Version), org.Token);
        app.Clock.Advance(TimeSpan.FromDays(30));
        var later = await client.GetAsync(org.Invite(id, version: Version), org.Token);

        Assert.That(cancel.Status, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(cancel.Error["code"]!.GetValue<string>(), Is.EqualTo("invalid_state"));
        Assert.That(later.Json["data"]!["attributes"]!["status"]!.GetValue<string>(), Is.EqualTo("accepted"), "an answered invitation never expires");
    }

    [Test]
    public async Task A_cancelled_invitation_stays_visible_from_2022_11_14_and_hidden_before()
    {
        using var app = new TestApp(Database);
        using var client = app.CreateClient();
        var org = await app.CreateOrganizationAsync();
        var id = await client.CreateInvitationAsync(org, "ada@example.com");

        await client.DeleteAsync(org.Invite(id), org.Token);

        var now = await client.GetAsync(org.Invite(id, version: Version), org.Token);
        var before = await client.GetAsync(org.Invite(id, version: "2021-06-04"), org.Token);
        Assert.That(now.Json["data"]!["attributes"]!["status"]!.GetValue<string>(), Is.EqualTo("cancelled"));
        Assert.That(before.Status, Is.EqualTo(HttpStatusCode.NotFound), "2021-06-04 does not know the cancelled status");
    }
}
