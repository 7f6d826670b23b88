using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.Persistence;

/// <summary>
/// Rows written on every create (invitations, their outbox emails, accepted memberships) get version 7 UUIDs: the
/// creation time leads the id, so new rows go to the end of the indexes keyed by it instead of a random page of each.
/// </summary>
public sealed class TimeOrderedIdTests(DatabaseKind database) : FreshAppTests(database)
{
    /// <summary>The Unix milliseconds a version 7 UUID starts with (its first 48 bits, big-endian).</summary>
    private static long Milliseconds(Guid id) => Convert.ToInt64(id.ToString("N")[..12], 16);

    [Test]
    public async Task Ids_are_version_7_and_lead_with_their_creation_time()
    {
        App.Clock.StartOn(new DateOnly(2026, 11, 25));
        var invitations = new List<(Guid Id, DateTimeOffset At)>();
        foreach (var email in new[] { "c@example.com", "a@example.com", "b@example.com" })
        {
            invitations.Add((await Client.CreateInvitationAsync(Org, email), App.Clock.GetUtcNow()));
            App.Clock.Advance(TimeSpan.FromMilliseconds(3));
        }

        var member = await Client.JoinAsync(Org, "d@example.com");
        var outbox = await App.Data.OutboxAsync();

        Assert.That(invitations.Select(i => i.Id.Version), Is.All.EqualTo(7));
        Assert.That(invitations.Select(i => Milliseconds(i.Id)), Is.EqualTo(invitations.Select(i => i.At.ToUnixTimeMilliseconds())));
        Assert.That(invitations.Select(i => i.Id.ToString("D")), Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal), "their text sorts as they were made");
        Assert.That(outbox.Select(e => e.Id.Version), Is.All.EqualTo(7));
        Assert.That(outbox.Select(e => Milliseconds(e.Id)), Is.EqualTo(outbox.Select(e => Milliseconds(e.InvitationId))), "an email is queued with its invitation");
        Assert.That(outbox, Has.Count.EqualTo(4));
        Assert.That(member.Version, Is.EqualTo(7));
        Assert.That(Milliseconds(member), Is.EqualTo(App.Clock.GetUtcNow().ToUnixTimeMilliseconds()));
    }
}
