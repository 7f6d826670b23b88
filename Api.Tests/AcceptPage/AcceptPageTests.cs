using System.Net;
using JsonApiInvites.Api.Tests.Infrastructure;
using OpenQA.Selenium;

namespace JsonApiInvites.Api.Tests.AcceptPage;

/// <summary>
/// SPEC §8, in a real browser: the link of a real <c>.eml</c> file the outbox wrote opens the server's accept page
/// (served by real Kestrel), which shows the invitation, accepts it with one button (pressed from the keyboard), and
/// explains in plain words a link that expired, was cancelled, was already used or is not valid.
/// </summary>
public sealed class AcceptPageTests(DatabaseKind database) : EveryDatabaseTests(database)
{
    private Browser _browser = null!;

    [OneTimeSetUp]
    public void StartBrowser() => _browser = Browser.StartOrSkip();

    [OneTimeTearDown]
    public void StopBrowser() => _browser?.Dispose();

    private IWebDriver Page => _browser.Driver;

    private sealed record Invited(TestApp App, HttpClient Client, TestOrganization Org, Uri Server, Guid Invitation);

    /// <summary>A server listening on a port of its own (the email's link defaults to its accept page) and one invitation to ada@example.com.</summary>
    private async Task<Invited> StartWithInvitationAsync(string role = "admin")
    {
        var app = Track(new TestApp(Database));
        var server = app.StartListening();
        app.Clock.StartOn(new DateOnly(2026, 11, 25));
        var client = Track(app.CreateClient());
        var org = await app.CreateOrganizationAsync("Acme Corp");
        return new Invited(app, client, org, server, await client.CreateInvitationAsync(org, "ada@example.com", role));
    }

    /// <summary>The link in the newest email the outbox wrote for the invitation.</summary>
    private static async Task<string> EmailLinkAsync(Invited invited)
    {
        var match = InviteeClient.Link().Match(await InviteeClient.LatestEmailAsync(invited.App, invited.Invitation));
        Assert.That(match.Success, Is.True, "the email holds a link");
        return match.Groups[1].Value;
    }

    private string State() => Page.FindElement(By.Id("page")).GetAttribute("data-state") ?? string.Empty;

    /// <summary>Waits until the page leaves loading (and accepting) and returns the state it settled in.</summary>
    private string Settled() => _browser.WaitFor(d => State() is "loading" or "accepting" or "" ? null : State(), "the page to settle");

    private string Text(string id) => Page.FindElement(By.Id(id)).Text;

    [Test]
    public async Task Following_the_emails_link_shows_the_invitation_and_one_button_makes_a_member()
    {
        var invited = await StartWithInvitationAsync();
        var link = await EmailLinkAsync(invited);
        Assert.That(link, Does.StartWith(new Uri(invited.Server, "/accept?token=jai_invite_").ToString()), "by default the link opens this server's accept page");

        Page.Navigate().GoToUrl(link);

        Assert.That(Settled(), Is.EqualTo("invitation"));
        Assert.That(Page.Url, Does.Not.Contain("token"), "the page takes the token out of the address bar");
        Assert.That(Text("heading"), Is.EqualTo("Join Acme Corp"));
        Assert.That(Text("summary"), Is.EqualTo("Acme Corp invites you to join as Admin."));
        Assert.That((Text("organization"), Text("role"), Text("email")), Is.EqualTo(("Acme Corp", "Admin", "ada@example.com")));
        Assert.That(Page.FindElement(By.Id("expires")).GetAttribute("datetime"), Is.EqualTo("2026-12-02T02:40:57Z"));
        Assert.That(Page.SwitchTo().ActiveElement().GetAttribute("id"), Is.EqualTo("heading"), "focus starts at the heading");
        _browser.Screenshot("1-invitation");

        // From the keyboard: Tab reaches the button, Enter presses it.
        Page.SwitchTo().ActiveElement().SendKeys(Keys.Tab);
        var focused = Page.SwitchTo().ActiveElement();
        Assert.That((focused.TagName, focused.Text), Is.EqualTo(("button", "Accept invitation")));
        focused.SendKeys(Keys.Enter);

        Assert.That(Settled(), Is.EqualTo("accepted"));
        Assert.That(Text("heading"), Is.EqualTo("You joined Acme Corp"));
        Assert.That(Text("accepted"), Does.Contain("You are now a member of Acme Corp as Admin."));
        _browser.Screenshot("2-accepted");

        var members = await invited.Client.GetAsync(invited.Org.Memberships(query: "&include=role"), invited.Org.Token);
        Assert.That(members.Json["data"]!.AsArray().Select(m => m!["attributes"]!["email"]!.GetValue<string>()), Is.EqualTo(new[] { "ada@example.com" }));
        Assert.That(members.Json["included"]![0]!["attributes"]!["key"]!.GetValue<string>(), Is.EqualTo("admin"));
        var invitation = await invited.Client.GetAsync(invited.Org.Invite(invited.Invitation, version: InviteeClient.Version), invited.Org.Token);
        Assert.That(invitation.Json["data"]!["attributes"]!["status"]!.GetValue<string>(), Is.EqualTo("accepted"));

        Assert.That(Page.SwitchTo().ActiveElement().GetAttribute("id"), Is.EqualTo("heading"), "focus moves to the new heading");

        // The same tab reloaded (the token kept out of sight in its history entry) still says you joined; the link
        // opened again says it was used.
        Page.Navigate().Refresh();
        Assert.That(Settled(), Is.EqualTo("accepted"));
        Assert.That(Text("heading"), Is.EqualTo("You joined Acme Corp"));
        Page.Navigate().GoToUrl(link);
        Assert.That(Settled(), Is.EqualTo("problem"));
        Assert.That(Text("heading"), Is.EqualTo("This invitation was already used"));
        Assert.That(Text("problem"), Does.Contain("already been accepted"));
        Assert.That(Page.FindElements(By.Id("accept")).Single().Displayed, Is.False, "nothing to accept");
        _browser.Screenshot("3-already-used");

        Assert.That(await invited.App.Data.CountAsync("memberships"), Is.EqualTo(1));
        var token = InviteeClient.LinkToken().Match(link).Groups[1].Value;
        Assert.That(string.Join("\n", invited.App.Logs.Lines), Does.Not.Contain(token), "the token reaches no log line");
    }

    [Test]
    public async Task An_expired_link_says_the_invitation_expired()
    {
        var invited = await StartWithInvitationAsync();
        var link = await EmailLinkAsync(invited);
        invited.App.Clock.Advance(TimeSpan.FromDays(8));

        Page.Navigate().GoToUrl(link);

        Assert.That(Settled(), Is.EqualTo("problem"));
        Assert.That(Text("heading"), Is.EqualTo("This invitation has expired"));
        Assert.That(Text("problem"), Does.Contain("Ask the person who invited you to send a new invitation."));
        Assert.That(Page.SwitchTo().ActiveElement().GetAttribute("id"), Is.EqualTo("heading"));
        _browser.Screenshot("expired");
        Assert.That(await invited.App.Data.CountAsync("memberships"), Is.Zero);
    }

    [Test]
    public async Task A_cancelled_link_says_the_invitation_was_cancelled()
    {
        var invited = await StartWithInvitationAsync();
        var link = await EmailLinkAsync(invited);
        var cancel = await invited.Client.DeleteAsync(invited.Org.Invite(invited.Invitation, version: InviteeClient.Version), invited.Org.Token);
        Assert.That(cancel.Status, Is.EqualTo(HttpStatusCode.NoContent));

        Page.Navigate().GoToUrl(link);

        Assert.That(Settled(), Is.EqualTo("problem"));
        Assert.That(Text("heading"), Is.EqualTo("This invitation was cancelled"));
        _browser.Screenshot("cancelled");
    }

    [Test]
    public async Task An_invalid_or_replaced_link_says_it_does_not_work_and_the_newest_link_works()
    {
        var invited = await StartWithInvitationAsync();
        var first = await EmailLinkAsync(invited);
        invited.App.Clock.Advance(TimeSpan.FromMinutes(1));
        var resend = await invited.Client.SendAsync(HttpMethod.Post, invited.Org.Invite(invited.Invitation, "/resend", InviteeClient.Version), invited.Org.Token);
        Assert.That(resend.Status, Is.EqualTo(HttpStatusCode.Accepted));
        var newest = await EmailLinkAsync(invited);

        foreach (var link in new[] { first, first[..^4], new Uri(invited.Server, "/accept").ToString() })
        {
            Page.Navigate().GoToUrl(link);
            Assert.That(Settled(), Is.EqualTo("problem"), link);
            Assert.That(Text("heading"), Is.EqualTo("This link does not work"), link);
            Assert.That(Text("problem"), Does.Contain("use the link in the newest one"));
        }

        _browser.Screenshot("invalid");
        Page.Navigate().GoToUrl(newest);
        Assert.That(Settled(), Is.EqualTo("invitation"));
        Page.FindElement(By.Id("accept")).Click();
        Assert.That(Settled(), Is.EqualTo("accepted"));
    }

    [Test]
    public async Task The_page_loads_nothing_but_its_own_files()
    {
        var invited = await StartWithInvitationAsync();
        Page.Navigate().GoToUrl(await EmailLinkAsync(invited));
        Assert.That(Settled(), Is.EqualTo("invitation"));

        var resources = ((IJavaScriptExecutor)Page).ExecuteScript("return performance.getEntriesByType('resource').map(function (e) { return e.name; });") as IEnumerable<object>;
        var lang = Page.FindElement(By.TagName("html")).GetAttribute("lang");

        Assert.That(resources!.Select(r => new Uri((string)r).GetLeftPart(UriPartial.Authority)), Is.All.EqualTo(invited.Server.GetLeftPart(UriPartial.Authority)));
        Assert.That(resources!.Select(r => new Uri((string)r).AbsolutePath), Is.SupersetOf(new[] { "/accept/accept.js", "/accept/accept.css", "/invitation" }));
        Assert.That(lang, Is.EqualTo("en"));
    }

    [Test]
    public async Task The_page_works_at_every_spelling_of_its_path()
    {
        var invited = await StartWithInvitationAsync();
        var link = await EmailLinkAsync(invited);

        foreach (var spelling in new[] { "/accept/?", "/ACCEPT?" })
        {
            Page.Navigate().GoToUrl(link.Replace("/accept?", spelling, StringComparison.Ordinal));
            Assert.That(Settled(), Is.EqualTo("invitation"), spelling);
            Assert.That(Page.Url, Does.Not.Contain("token"), spelling);
        }
    }

    [Test]
    public async Task A_link_damaged_on_its_way_says_it_does_not_work()
    {
        var invited = await StartWithInvitationAsync();
        var link = await EmailLinkAsync(invited);

        foreach (var damaged in new[] { link + "%E2%80%8B", link + "%0A", link.Replace("token=", "token=%20", StringComparison.Ordinal) })
        {
            Page.Navigate().GoToUrl(damaged);
            Assert.That(Settled(), Is.EqualTo("problem"), damaged);
            Assert.That(Text("heading"), Is.EqualTo("This link does not work"), damaged);
        }
    }

    [Test]
    public async Task Accepted_by_someone_else_first_says_already_used()
    {
        var invited = await StartWithInvitationAsync();
        var link = await EmailLinkAsync(invited);
        Page.Navigate().GoToUrl(link);
        Assert.That(Settled(), Is.EqualTo("invitation"));

        var elsewhere = await invited.Client.AcceptAsync(InviteeClient.LinkToken().Match(link).Groups[1].Value);
        Assert.That(elsewhere.Status, Is.EqualTo(HttpStatusCode.Created));
        Page.FindElement(By.Id("accept")).Click();

        Assert.That(Settled(), Is.EqualTo("problem"));
        Assert.That(Text("heading"), Is.EqualTo("This invitation was already used"));
    }

    [Test]
    public async Task An_accept_whose_answer_was_lost_ends_in_joined_on_retry()
    {
        var invited = await StartWithInvitationAsync();
        Page.Navigate().GoToUrl(await EmailLinkAsync(invited));
        Assert.That(Settled(), Is.EqualTo("invitation"));

        // The POST reaches the server, but its answer never reaches the page (a dropped connection).
        ((IJavaScriptExecutor)Page).ExecuteScript(
            "var real = window.fetch; window.fetch = function (url, options) { var sent = real(url, options); "
            + "return options && options.method === 'POST' ? sent.then(function () { window.fetch = real; throw new TypeError('Failed to fetch'); }) : sent; };");
        Page.FindElement(By.Id("accept")).Click();
        Assert.That(Settled(), Is.EqualTo("problem"));
        Assert.That(Text("heading"), Is.EqualTo("Something went wrong"));
        _browser.Screenshot("connection-lost");
        Page.FindElement(By.Id("retry")).Click();

        Assert.That(Settled(), Is.EqualTo("accepted"));
        Assert.That(Text("heading"), Is.EqualTo("You joined Acme Corp"));
        Assert.That(await invited.App.Data.CountAsync("memberships"), Is.EqualTo(1));
    }
}
