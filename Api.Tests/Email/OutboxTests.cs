using System.Net;
using System.Text.RegularExpressions;
using JsonApiInvites.Api.Email;
using JsonApiInvites.Api.Tests.Infrastructure;
using JsonApiInvites.Domain.Tokens;
using Microsoft.Extensions.DependencyInjection;

namespace JsonApiInvites.Api.Tests.Email;

/// <summary>SPEC §5: the email intent is written with the invitation, and delivered once, whatever happens between.</summary>
public sealed partial class OutboxTests(DatabaseKind database) : EveryDatabaseTests(database)
{
    private sealed record Invited(TestApp App, HttpClient Client, TestOrganization Org, Guid Invitation);

    /// <summary>An app (the dispatcher off unless <paramref name="settings"/> say otherwise), a client, an organization and one invitation to ada@example.com.</summary>
    private async Task<Invited> StartWithInvitationAsync(Dictionary<string, string?>? settings = null, string organization = "Acme", string role = "collaborator")
    {
        var app = Start(settings);
        var client = Track(app.CreateClient());
        var org = await app.CreateOrganizationAsync(organization);
        return new Invited(app, client, org, await client.CreateInvitationAsync(org, "ada@example.com", role));
    }

    private TestApp Start(Dictionary<string, string?>? settings = null, TestStore? store = null) => Track(new TestApp(Database, settings, store));

    private static Task<int> Dispatch(TestApp app) => InviteeClient.DispatchAsync(app);

    private static string[] EmlFiles(TestApp app) => InviteeClient.EmlFiles(app);

    private static Regex LinkToken() => InviteeClient.LinkToken();

    [Test]
    public async Task Creating_an_invitation_queues_its_email_in_the_same_transaction()
    {
        var app = Start();
        using var client = app.CreateClient();
        var org = await app.CreateOrganizationAsync();

        var invitation = await client.CreateInvitationAsync(org, "ada@example.com");
        var duplicate = await client.PostAsync(org.Invites(), org.Token, JsonApiClient.NewInvitation("ADA@example.com", org.Roles["viewer"]));

        Assert.That(duplicate.Status, Is.EqualTo(HttpStatusCode.Conflict));
        var outbox = await app.Data.OutboxAsync();
        Assert.That(outbox.Select(e => (e.InvitationId, e.Kind, e.SentAt)), Is.EqualTo(new[] { (invitation, "invitation", (DateTimeOffset?)null) }), "the refused duplicate queued nothing");
        Assert.That(EmlFiles(app), Is.Empty, "nothing is sent while the dispatcher is off");
    }

    [Test]
    public async Task Send_email_false_queues_nothing()
    {
        var app = Start();
        using var client = app.CreateClient();
        var org = await app.CreateOrganizationAsync();
        var body = new
        {
            data = new
            {
                type = "site_invitation",
                attributes = new { email = "ada@example.com", send_email = false },
                relationships = new { role = new { data = new { type = "role", id = org.Roles["viewer"].ToString() } } },
            },
        };

        var response = await client.PostAsync(org.Invites("2022-11-14"), org.Token, body);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(await app.Data.CountAsync("email_outbox"), Is.Zero);
    }

    [Test]
    public async Task The_dispatcher_delivers_a_link_whose_token_is_stored_only_as_a_hash()
    {
        var (app, _, _, invitation) = await StartWithInvitationAsync(organization: "Acme Corp", role: "admin");

        var delivered = await Dispatch(app);

        Assert.That(delivered, Is.EqualTo(1));
        var file = EmlFiles(app).Single();
        var eml = await File.ReadAllTextAsync(file);
        Assert.That(eml, Does.Contain("To: ada@example.com").And.Contain("Subject: You are invited to join Acme Corp").And.Contain("join as Admin"));
        var token = LinkToken().Match(eml).Groups[1].Value;
        Assert.That(token, Is.Not.Empty);
        Assert.That(await InviteeClient.OpensAsync(app, token), Is.EqualTo(invitation), "the delivered link opens the invitation");
        Assert.That((await app.Data.OutboxAsync()).Select(e => (e.SentAt is not null, e.Attempts)), Is.EqualTo(new[] { (true, 1) }));
        foreach (var table in await app.Data.TableNamesAsync())
        {
            Assert.That(await app.Data.AllTextAsync(table), Does.Not.Contain(token), $"the token is stored nowhere in {table}");
        }

        foreach (var databaseFile in System.IO.Directory.GetFiles(app.Directory, "invites.db*"))
        {
            var bytes = System.Text.Encoding.Latin1.GetString(await File.ReadAllBytesAsync(databaseFile));
            Assert.That(bytes.Contains(token, StringComparison.Ordinal), Is.False, $"the token never reaches {databaseFile}");
        }

        Assert.That(await Dispatch(app), Is.Zero, "a sent row is not sent again");
    }

    [Test]
    public async Task The_link_opens_the_accept_page_or_the_configured_Email_AcceptUrl()
    {
        var (own, _, _, _) = await StartWithInvitationAsync();
        var (configured, _, _, _) = await StartWithInvitationAsync(new Dictionary<string, string?> { ["Email:AcceptUrl"] = "https://app.example.com/join?from=email" });
        await Dispatch(own);
        await Dispatch(configured);

        var ownLink = InviteeClient.Link().Match(await File.ReadAllTextAsync(EmlFiles(own).Single())).Value;
        var configuredLink = InviteeClient.Link().Match(await File.ReadAllTextAsync(EmlFiles(configured).Single())).Value;

        // In-process test servers listen nowhere: the default is the page on the default address.
        Assert.That(ownLink, Does.StartWith("http://localhost:5080/accept?token=jai_invite_"));
        Assert.That(configuredLink, Does.StartWith("https://app.example.com/join?from=email&token=jai_invite_"));
    }

    [Test]
    public async Task A_restart_between_write_and_delivery_neither_loses_nor_duplicates_the_email()
    {
        var first = Start();
        Guid invitation;
        using (var client = first.CreateClient())
        {
            var org = await first.CreateOrganizationAsync();
            invitation = await client.CreateInvitationAsync(org, "ada@example.com");
        }

        // The server stops with the email written but not delivered.
        var store = first.HandOver();
        await first.DisposeAsync();
        Assert.That(EmlFiles(first), Is.Empty);

        // A new server on the same database, with the background dispatcher on, picks it up.
        var second = Start(new Dictionary<string, string?> { ["Email:DispatcherEnabled"] = "true", ["Email:PollIntervalSeconds"] = "1" }, store);
        using (second.CreateClient())
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!(await second.Data.OutboxAsync()).Any(e => e.SentAt is not null) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }

        Assert.That(EmlFiles(second), Has.Length.EqualTo(1), string.Join("\n", second.Logs.Lines));
        Assert.That((await second.Data.OutboxAsync()).Where(e => e.SentAt is not null).Select(e => e.InvitationId), Is.EqualTo(new[] { invitation }));
        Assert.That(await Dispatch(second), Is.Zero);
        Assert.That(EmlFiles(second), Has.Length.EqualTo(1));
    }

    [Test]
    public async Task A_delivery_repeated_after_a_crash_leaves_one_email()
    {
        var app = (await StartWithInvitationAsync()).App;
        await Dispatch(app);

        // As if the process died after delivering but before recording it: the row is due again.
        await app.Data.ForgetSentEmailsAsync();

        await Dispatch(app);

        Assert.That(EmlFiles(app), Has.Length.EqualTo(1), "the pickup file is named by the outbox row");
    }

    [Test]
    public async Task Failed_deliveries_are_retried_with_back_off_then_given_up()
    {
        using var closed = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop(); // Nothing listens there now: every connection is refused.
        var (app, _, _, _) = await StartWithInvitationAsync(new Dictionary<string, string?>(FakeSmtpServer.Settings(port))
        {
            ["Email:RetryDelaySeconds"] = "30",
            ["Email:MaxAttempts"] = "3",
        });
        async Task<OutboxRow> Row() => (await app.Data.OutboxAsync()).Single();
        var start = app.Clock.GetUtcNow();

        await Dispatch(app);
        var afterFirst = await Row();
        await Dispatch(app);
        var notYetDue = await Row();
        app.Clock.Advance(TimeSpan.FromSeconds(30));
        await Dispatch(app);
        var afterSecond = await Row();
        app.Clock.Advance(TimeSpan.FromSeconds(60));
        await Dispatch(app);
        var afterThird = await Row();

        Assert.That(afterFirst.Attempts, Is.EqualTo(1));
        Assert.That(afterFirst.NextAttemptAt, Is.EqualTo(start.AddSeconds(30)));
        Assert.That(afterFirst.LastError, Does.Contain("Socket").Or.Contain("refused"));
        Assert.That(notYetDue.Attempts, Is.EqualTo(1), "not retried before it is due");
        Assert.That(afterSecond.Attempts, Is.EqualTo(2));
        Assert.That(afterSecond.NextAttemptAt, Is.EqualTo(start.AddSeconds(30 + 60)));
        Assert.That(afterThird.Attempts, Is.EqualTo(3));
        Assert.That(afterThird.FailedAt, Is.Not.Null, "given up after Email:MaxAttempts");
    }

    [Test]
    public async Task Delivers_over_smtp_with_mailkit_when_a_host_is_set()
    {
        using var smtp = new FakeSmtpServer();
        var (app, _, _, _) = await StartWithInvitationAsync(smtp.Settings());

        var delivered = await Dispatch(app);

        Assert.That(delivered, Is.EqualTo(1));
        var message = smtp.Messages.Single();
        Assert.That(message, Does.Contain("To: ada@example.com"));
        Assert.That(message, Does.Contain("@jsonapi-invites>"), "the message id is the outbox row's");
        Assert.That(LinkToken().IsMatch(message), Is.True);
        Assert.That(EmlFiles(app), Is.Empty);
    }

    [Test]
    public async Task Resending_queues_a_new_email_with_a_new_link()
    {
        var (app, client, org, invitation) = await StartWithInvitationAsync();
        var first = await InviteeClient.AcceptTokenAsync(app, invitation);
        app.Clock.Advance(TimeSpan.FromMinutes(1));

        var resend = await client.SendAsync(HttpMethod.Post, org.Invite(invitation, "/resend", "2024-10-15~beta"), org.Token);
        var second = await InviteeClient.AcceptTokenAsync(app, invitation);

        Assert.That(resend.Status, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That((await app.Data.OutboxAsync()).Count(e => e.Kind == "resend" && e.SentAt is not null), Is.EqualTo(1));
        Assert.That(EmlFiles(app), Has.Length.EqualTo(2));
        Assert.That(await InviteeClient.OpensAsync(app, second), Is.EqualTo(invitation));
        Assert.That(await InviteeClient.OpensAsync(app, first), Is.Null, "only the newest link works");
    }

    [Test]
    public async Task An_invitation_cancelled_before_its_email_went_out_gets_none()
    {
        var (app, client, org, invitation) = await StartWithInvitationAsync();
        await client.DeleteAsync(org.Invite(invitation), org.Token);

        var delivered = await Dispatch(app);

        Assert.That(delivered, Is.Zero);
        Assert.That(EmlFiles(app), Is.Empty);
        Assert.That((await app.Data.OutboxAsync()).Count(e => e.FailedAt is not null), Is.EqualTo(1));
    }

    [Test]
    public async Task A_failed_resend_keeps_the_link_already_delivered_working()
    {
        var (app, client, org, invitation) = await StartWithInvitationAsync();
        var delivered = await InviteeClient.AcceptTokenAsync(app, invitation);
        app.Clock.Advance(TimeSpan.FromMinutes(1));

        // The pickup folder becomes unwritable: the resend's delivery fails.
        System.IO.Directory.Delete(app.PickupDirectory, recursive: true);
        await File.WriteAllTextAsync(app.PickupDirectory, "not a folder");
        await client.SendAsync(HttpMethod.Post, org.Invite(invitation, "/resend", "2024-10-15~beta"), org.Token);
        var sent = await Dispatch(app);

        Assert.That(sent, Is.Zero);
        Assert.That((await app.Data.OutboxAsync()).Count(e => e is { Kind: "resend", Attempts: 1, SentAt: null, LastError: not null }), Is.EqualTo(1));
        Assert.That(await InviteeClient.OpensAsync(app, delivered), Is.EqualTo(invitation), "the link in the inbox still works");
    }
}
