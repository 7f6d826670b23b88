using System.Net;
using JsonApiInvites.Api.Email;
using JsonApiInvites.Api.Tests.Infrastructure;
using JsonApiInvites.Domain.Email;
using Microsoft.Extensions.DependencyInjection;

namespace JsonApiInvites.Api.Tests.Email;

/// <summary>
/// SPEC §5: every link that leaves works, a stop gives back what it did not send, leases are short and renewed,
/// resends do not storm, and nothing leaves for an invitation that closed meanwhile.
/// </summary>
public sealed class OutboxReliabilityTests(DatabaseKind database) : EveryDatabaseTests(database)
{
    private const string Beta = "2024-10-15~beta";

    private static IEmailOutbox Outbox(TestApp app) => app.Services.GetRequiredService<IEmailOutbox>();

    /// <summary>Three invitations whose emails go to <paramref name="smtp"/>, dispatched until a stop after <paramref name="stopAfter"/> cuts a hanging send short.</summary>
    private async Task<TestApp> DispatchThreeUntilStoppedAsync(FakeSmtpServer smtp, TimeSpan stopAfter)
    {
        var (app, client, org) = await StartWithOrganizationAsync(smtp.Settings());
        for (var i = 0; i < 3; i++)
        {
            await client.CreateInvitationAsync(org, $"person{i}@example.com");
        }

        using var stop = new CancellationTokenSource(stopAfter);
        var dispatch = app.Services.GetRequiredService<OutboxDispatcher>().DispatchDueAsync(stop.Token);

        Assert.That(async () => await dispatch, Throws.InstanceOf<OperationCanceledException>());
        return app;
    }

    [Test]
    public async Task Both_copies_of_an_email_sent_again_after_a_crash_open_the_invitation()
    {
        var (app, client, org) = await StartWithOrganizationAsync();
        var invitation = await client.CreateInvitationAsync(org, "ada@example.com");
        var firstCopy = await InviteeClient.AcceptTokenAsync(app, invitation);

        // As if the process died after delivering but before recording it: sent again after the restart.
        await app.Data.ForgetSentEmailsAsync();
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        var secondCopy = await InviteeClient.AcceptTokenAsync(app, invitation);

        Assert.That(secondCopy, Is.Not.EqualTo(firstCopy));
        Assert.That(await InviteeClient.OpensAsync(app, firstCopy), Is.EqualTo(invitation), "the copy delivered before the crash works");
        Assert.That(await InviteeClient.OpensAsync(app, secondCopy), Is.EqualTo(invitation));
    }

    [Test]
    public async Task An_older_email_sent_late_does_not_take_the_newest_links_place()
    {
        // Email 1 is slow to leave; meanwhile a resend queues email 2, which is sent first. Email 1 then finishes.
        var (app, client, org) = await StartWithOrganizationAsync();
        var invitation = await client.CreateInvitationAsync(org, "ada@example.com");
        var outbox = Outbox(app);
        var first = (await outbox.ClaimDueAsync(app.Clock.Now, OutboxDispatcher.Lease, 5, Guid.NewGuid(), CancellationToken.None)).Single();
        var (firstToken, firstHash) = InvitationEmails.NewToken();
        Assert.That(await outbox.RecordLinksAsync([(first, firstHash)], app.Clock.Now, CancellationToken.None), Is.EqualTo(new[] { LinkRecording.Recorded }));

        app.Clock.Advance(TimeSpan.FromSeconds(5));
        var resend = await client.SendAsync(HttpMethod.Post, org.Invite(invitation, "/resend", Beta), org.Token);
        var newest = await InviteeClient.AcceptTokenAsync(app, invitation);
        app.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.That(await outbox.MarkSentAsync([first], app.Clock.Now, CancellationToken.None), Is.EqualTo(new[] { true }));

        Assert.That(resend.Status, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(await InviteeClient.OpensAsync(app, newest), Is.EqualTo(invitation), "the newest email's link works");
        Assert.That(await InviteeClient.OpensAsync(app, firstToken), Is.Null, "the older email's link was replaced, whenever it left");
    }

    [Test]
    public async Task A_burst_of_resends_sends_one_email()
    {
        var (app, client, org) = await StartWithOrganizationAsync();
        var invitation = await client.CreateInvitationAsync(org, "ada@example.com");
        await InviteeClient.DispatchAsync(app);
        app.Clock.Advance(TimeSpan.FromMinutes(1));

        var resends = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() =>
            client.SendAsync(HttpMethod.Post, org.Invite(invitation, "/resend", Beta), org.Token))));
        var sent = await InviteeClient.DispatchAsync(app);

        Assert.That(resends.Select(r => r.Status), Is.All.EqualTo(HttpStatusCode.Accepted));
        Assert.That(sent, Is.EqualTo(1), "one email for the whole burst");
        Assert.That((await app.Data.OutboxAsync()).Select(e => e.Kind), Is.EqualTo(new[] { "invitation", "resend" }));
        Assert.That(InviteeClient.EmlFiles(app), Has.Length.EqualTo(2));
    }

    [Test]
    public async Task A_resend_while_the_first_email_is_still_queued_sends_one_email()
    {
        var (app, client, org) = await StartWithOrganizationAsync();
        var invitation = await client.CreateInvitationAsync(org, "ada@example.com");

        for (var i = 0; i < 3; i++)
        {
            await client.SendAsync(HttpMethod.Post, org.Invite(invitation, "/resend", Beta), org.Token);
        }

        Assert.That(await InviteeClient.DispatchAsync(app), Is.EqualTo(1));
        Assert.That(InviteeClient.EmlFiles(app), Has.Length.EqualTo(1));
    }

    [Test]
    public async Task Nothing_leaves_for_an_invitation_cancelled_after_its_email_was_claimed()
    {
        var (app, client, org) = await StartWithOrganizationAsync();
        var invitation = await client.CreateInvitationAsync(org, "ada@example.com");
        var claimed = await Outbox(app).ClaimDueAsync(app.Clock.Now, OutboxDispatcher.Lease, 5, Guid.NewGuid(), CancellationToken.None);

        await client.DeleteAsync(org.Invite(invitation), org.Token);
        var recording = await Outbox(app).RecordLinksAsync([(claimed.Single(), "hash")], app.Clock.Now, CancellationToken.None);

        Assert.That(recording, Is.EqualTo(new[] { LinkRecording.InvitationClosed }));
        Assert.That((await app.Data.OutboxAsync()).Single().FailedAt, Is.Not.Null, "given up, never sent");
        Assert.That(await app.Data.CountAsync("email_links"), Is.Zero);
        Assert.That(await InviteeClient.DispatchAsync(app), Is.Zero);
    }

    [Test]
    public async Task A_claim_lasts_its_short_lease_unless_renewed_and_a_released_claim_is_due_at_once()
    {
        var (app, client, org) = await StartWithOrganizationAsync();
        await client.CreateInvitationAsync(org, "ada@example.com");
        var outbox = Outbox(app);
        Task<IReadOnlyList<OutboxEmail>> Claim() => outbox.ClaimDueAsync(app.Clock.Now, OutboxDispatcher.Lease, 5, Guid.NewGuid(), CancellationToken.None);

        var first = await Claim();
        app.Clock.Advance(OutboxDispatcher.Lease - TimeSpan.FromSeconds(1));
        await outbox.RenewAsync(first.Single().ClaimId, app.Clock.Now + OutboxDispatcher.Lease, CancellationToken.None);
        app.Clock.Advance(TimeSpan.FromSeconds(2));
        var whileRenewed = await Claim();
        var released = await outbox.ReleaseAsync(first.Single().ClaimId, CancellationToken.None);
        var afterRelease = await Claim();
        app.Clock.Advance(OutboxDispatcher.Lease);
        var afterLease = await Claim();

        Assert.That(OutboxDispatcher.Lease, Is.LessThanOrEqualTo(TimeSpan.FromSeconds(30)), "a crashed dispatcher's emails are due again within 60 s");
        Assert.That((first.Count, whileRenewed.Count, released, afterRelease.Count), Is.EqualTo((1, 0, 1, 1)));
        Assert.That(afterLease, Has.Count.EqualTo(1), "a lease that ran out (its dispatcher died) is taken over");
    }

    [Test]
    public async Task A_stop_while_sending_gives_back_every_email_it_did_not_send()
    {
        // An SMTP server that accepts connections and never answers: the first send hangs until the stop.
        using var silent = new FakeSmtpServer(answeredSessions: 0);
        var app = await DispatchThreeUntilStoppedAsync(silent, TimeSpan.FromSeconds(1));

        var rows = await app.Data.OutboxAsync();
        Assert.That(rows.Select(r => (r.SentAt, r.FailedAt, r.Attempts)), Is.All.EqualTo(((DateTimeOffset?)null, (DateTimeOffset?)null, 0)), "nothing counted as an attempt");
        var again = await Outbox(app).ClaimDueAsync(app.Clock.Now, OutboxDispatcher.Lease, 5, Guid.NewGuid(), CancellationToken.None);
        Assert.That(again, Has.Count.EqualTo(3), "released: due again at once, not after a lease");
    }

    [Test]
    public async Task A_stop_in_the_middle_of_a_batch_keeps_what_left_as_sent_and_gives_back_the_rest()
    {
        // The SMTP server takes two emails and then goes silent: the third send hangs until the stop.
        using var smtp = new FakeSmtpServer(answeredSessions: 2);
        var app = await DispatchThreeUntilStoppedAsync(smtp, TimeSpan.FromSeconds(2));

        var rows = await app.Data.OutboxAsync();
        Assert.That(smtp.Messages, Has.Count.EqualTo(2));
        Assert.That(rows.Count(r => r.SentAt is not null), Is.EqualTo(2), "the two that left are recorded as sent, not sent again");
        var again = await Outbox(app).ClaimDueAsync(app.Clock.Now, OutboxDispatcher.Lease, 5, Guid.NewGuid(), CancellationToken.None);
        Assert.That(again, Has.Count.EqualTo(1), "the one that did not leave is due again at once");
    }

    [Test]
    public async Task One_write_records_each_link_of_a_batch_with_its_own_outcome_and_a_rerun_finds_the_same()
    {
        var (app, client, org) = await StartWithOrganizationAsync();
        var open = await client.CreateInvitationAsync(org, "open@example.com");
        var cancelled = await client.CreateInvitationAsync(org, "cancelled@example.com");
        var taken = await client.CreateInvitationAsync(org, "taken@example.com");
        var outbox = Outbox(app);
        var claimed = await outbox.ClaimDueAsync(app.Clock.Now, OutboxDispatcher.Lease, 5, Guid.NewGuid(), CancellationToken.None);
        await client.DeleteAsync(org.Invite(cancelled), org.Token);

        // The third email's lease runs out and another dispatcher takes it over.
        var takenEmail = claimed.Single(e => e.InvitationId == taken);
        await app.Data.EndLeaseAsync(taken);
        Assert.That(await outbox.ClaimDueAsync(app.Clock.Now, OutboxDispatcher.Lease, 5, Guid.NewGuid(), CancellationToken.None), Has.Count.EqualTo(1));

        var batch = new[] { open, cancelled, taken }.Select(id => (claimed.Single(e => e.InvitationId == id), InvitationEmails.NewToken().Hash)).ToList();
        var outcomes = await outbox.RecordLinksAsync(batch, app.Clock.Now, CancellationToken.None);
        var rerun = await outbox.RecordLinksAsync(batch, app.Clock.Now, CancellationToken.None);
        var marked = await outbox.MarkSentAsync([batch[0].Item1, takenEmail], app.Clock.Now, CancellationToken.None);

        Assert.That(outcomes, Is.EqualTo(new[] { LinkRecording.Recorded, LinkRecording.InvitationClosed, LinkRecording.ClaimLost }));
        Assert.That(rerun, Is.EqualTo(new[] { LinkRecording.Recorded, LinkRecording.ClaimLost, LinkRecording.ClaimLost }), "run again, nothing is recorded or given up twice");
        Assert.That(await app.Data.CountAsync("email_links"), Is.EqualTo(1));
        Assert.That(marked, Is.EqualTo(new[] { true, false }), "only the row the claim still holds is marked sent");
    }

    [Test]
    public async Task Temporary_files_of_interrupted_writes_are_removed_at_start()
    {
        var first = Track(new TestApp(Database));
        using (first.CreateClient())
        {
        }

        Directory.CreateDirectory(first.PickupDirectory);
        var stale = Path.Combine(first.PickupDirectory, $".{Guid.NewGuid():D}.{Guid.NewGuid():N}.tmp");
        var fresh = Path.Combine(first.PickupDirectory, $".{Guid.NewGuid():D}.{Guid.NewGuid():N}.tmp");
        await File.WriteAllTextAsync(stale, "half an email");
        await File.WriteAllTextAsync(fresh, "a write still running");
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow - TimeSpan.FromMinutes(5));
        var store = first.HandOver();
        await first.DisposeAsync();

        var second = Track(new TestApp(Database, new Dictionary<string, string?> { ["Email:DispatcherEnabled"] = "true" }, store));
        using (second.CreateClient())
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (File.Exists(stale) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }

        Assert.That(File.Exists(stale), Is.False, "the interrupted write is removed");
        Assert.That(File.Exists(fresh), Is.True, "a write that may still be running is left alone");
    }
}
