using System.Net;
using JsonApiInvites.Api.Tests.Infrastructure;
using JsonApiInvites.Domain.Tokens;

namespace JsonApiInvites.Api.Tests.Memberships;

/// <summary>
/// SPEC §8: the accept token of the email's link is the invitee's credential; <c>GET /invitation</c> shows what it
/// opens and <c>POST /memberships</c> accepts it, in one transaction, exactly once.
/// </summary>
public sealed class AcceptingTests(DatabaseKind database) : FreshAppTests(database)
{
    private const string Version = InviteeClient.Version;

    [SetUp]
    public void StartOnTheVersionsDay() => App.Clock.StartOn(new DateOnly(2026, 11, 25));

    private async Task<(Guid Invitation, string Token)> InviteAsync(string email = "ada@example.com", string role = "collaborator")
    {
        var invitation = await Client.CreateInvitationAsync(Org, email, role);
        return (invitation, await InviteeClient.AcceptTokenAsync(App, invitation));
    }

    private static void AssertCode(ApiResponse response, HttpStatusCode status, string code)
    {
        Assert.That(response.Status, Is.EqualTo(status), response.Body);
        Assert.That(response.Error["code"]!.GetValue<string>(), Is.EqualTo(code), response.Body);
    }

    [Test]
    public async Task An_invitation_goes_from_created_to_accepted_and_a_member_appears()
    {
        var (invitation, token) = await InviteAsync(role: "admin");
        App.Clock.Advance(TimeSpan.FromMinutes(5));

        var seen = await Client.GetInvitationAsync(token, "&include=role,organization");
        var accepted = await Client.AcceptAsync(token);
        var after = await Client.GetAsync(Org.Invite(invitation, version: Version), Org.Token);
        var members = await Client.GetAsync(Org.Memberships(query: "&include=role"), Org.Token);

        Assert.That(seen.Status, Is.EqualTo(HttpStatusCode.OK), seen.Body);
        Assert.That(seen.Json["data"]!["id"]!.GetValue<string>(), Is.EqualTo(invitation.ToString()));
        Assert.That(seen.Json["included"]!.AsArray().Select(r => r!["attributes"]!["name"]!.GetValue<string>()), Is.EquivalentTo(new[] { "Admin", "Acme" }));
        Snapshot.Match(seen, "invitation");

        Assert.That(accepted.Status, Is.EqualTo(HttpStatusCode.Created), accepted.Body);
        var membership = accepted.Json["data"]!;
        Assert.That(accepted.Header("Location"), Is.EqualTo(membership["links"]!["self"]!.GetValue<string>()));
        Assert.That(accepted.Header("Location"), Does.StartWith($"/orgs/{Org.Id}/memberships/{membership["id"]!.GetValue<string>()}"));
        Assert.That(membership["attributes"]!["email"]!.GetValue<string>(), Is.EqualTo("ada@example.com"));
        Assert.That(membership["relationships"]!["role"]!["data"]!["id"]!.GetValue<string>(), Is.EqualTo(Org.Roles["admin"].ToString()));
        Assert.That(membership["relationships"]!["invitation"]!["data"]!["id"]!.GetValue<string>(), Is.EqualTo(invitation.ToString()));
        Snapshot.Match(accepted, "membership");

        var attributes = after.Json["data"]!["attributes"]!;
        Assert.That(attributes["status"]!.GetValue<string>(), Is.EqualTo("accepted"));
        Assert.That(attributes["accepted_at"]!.GetValue<string>(), Is.EqualTo(Rfc3339(App.Clock.Now)));
        Assert.That(after.Json["data"]!["relationships"]!["membership"]!["data"]!["id"]!.GetValue<string>(), Is.EqualTo(membership["id"]!.GetValue<string>()));
        Snapshot.Match(after, "accepted_invitation");

        Assert.That(members.Json["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()), Is.EqualTo(new[] { membership["id"]!.GetValue<string>() }));
        Assert.That((await App.Data.InvitationAsync(invitation)).State, Is.EqualTo("accepted"));
    }

    [Test]
    public async Task Older_versions_do_not_have_the_invitee_routes()
    {
        var (_, token) = await InviteAsync();

        var get = await Client.GetInvitationAsync(token, version: "2024-10-15~beta");
        var accept = await Client.AcceptAsync(token, version: "2024-10-15~beta");

        AssertCode(get, HttpStatusCode.NotFound, "version_not_found");
        AssertCode(accept, HttpStatusCode.NotFound, "version_not_found");
        Assert.That((await Client.GetInvitationAsync(token)).Status, Is.EqualTo(HttpStatusCode.OK), "nothing was accepted");
    }

    [TestCase(null, TestName = "no Authorization header")]
    [TestCase("Invitation", TestName = "the scheme without a token")]
    [TestCase("Invitation   ", TestName = "the scheme and blanks")]
    [TestCase("Basic YWRhOnNlY3JldA==", TestName = "another scheme")]
    [TestCase("jai_invite_abc", TestName = "a token without its scheme")]
    public async Task A_missing_or_malformed_credential_is_401_at_the_Authorization_header(string? header)
    {
        await InviteAsync();
        Action<HttpRequestMessage> configure = request =>
        {
            if (header is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", header);
            }
        };

        foreach (var response in new[]
        {
            await Client.SendAsync(HttpMethod.Get, $"/invitation?version={Version}", null, configure: configure),
            await Client.SendAsync(HttpMethod.Post, $"/memberships?version={Version}", null, InviteeClient.AcceptDocument, configure: configure),
        })
        {
            AssertCode(response, HttpStatusCode.Unauthorized, "unauthorized");
            response.AssertError(HttpStatusCode.Unauthorized);
            Assert.That(response.Error["source"]!["header"]!.GetValue<string>(), Is.EqualTo("Authorization"));
            Assert.That(response.Header("WWW-Authenticate"), Is.EqualTo("Invitation"));
        }

        Assert.That(await App.Data.CountAsync("memberships"), Is.Zero);
    }

    [Test]
    public async Task An_API_token_on_the_invitee_routes_and_an_accept_token_on_the_admin_routes_are_401()
    {
        var (_, token) = await InviteAsync();

        var apiTokenAsInvitee = await Client.SendAsync(HttpMethod.Get, $"/invitation?version={Version}", Org.Token);
        var apiTokenInInvitationScheme = await Client.SendAsync(HttpMethod.Post, $"/memberships?version={Version}", null, InviteeClient.AcceptDocument, configure: InviteeClient.Credential(Org.Token));
        var acceptTokenAsBearer = await Client.SendAsync(HttpMethod.Get, Org.Invites(Version), token);
        var acceptTokenInItsScheme = await Client.SendAsync(HttpMethod.Get, Org.Memberships(), null, configure: InviteeClient.Credential(token));

        AssertCode(apiTokenAsInvitee, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.That(apiTokenAsInvitee.Error["detail"]!.GetValue<string>(), Does.Contain("not an API token"));
        AssertCode(apiTokenInInvitationScheme, HttpStatusCode.Unauthorized, "invalid_token");
        Assert.That(acceptTokenAsBearer.Status, Is.EqualTo(HttpStatusCode.Unauthorized), acceptTokenAsBearer.Body);
        Assert.That(acceptTokenInItsScheme.Status, Is.EqualTo(HttpStatusCode.Unauthorized), acceptTokenInItsScheme.Body);
        foreach (var response in new[] { apiTokenAsInvitee, apiTokenInInvitationScheme, acceptTokenAsBearer, acceptTokenInItsScheme })
        {
            Assert.That(response.Error["source"]!["header"]!.GetValue<string>(), Is.EqualTo("Authorization"), response.Body);
        }

        Assert.That(await App.Data.CountAsync("memberships"), Is.Zero);
    }

    [Test]
    public async Task An_unknown_token_and_a_token_a_newer_email_replaced_are_401_invalid_token()
    {
        var (invitation, first) = await InviteAsync();
        App.Clock.Advance(TimeSpan.FromMinutes(1));
        var resent = await Client.SendAsync(HttpMethod.Post, Org.Invite(invitation, "/resend", Version), Org.Token);
        Assert.That(resent.Status, Is.EqualTo(HttpStatusCode.Accepted), resent.Body);
        var second = await InviteeClient.AcceptTokenAsync(App, invitation);

        var unknown = await Client.GetInvitationAsync("jai_invite_" + new string('x', 43));
        var replacedRead = await Client.GetInvitationAsync(first);
        var replacedAccept = await Client.AcceptAsync(first);
        var current = await Client.AcceptAsync(second);

        Assert.That(second, Is.Not.EqualTo(first));
        foreach (var response in new[] { unknown, replacedRead, replacedAccept })
        {
            AssertCode(response, HttpStatusCode.Unauthorized, "invalid_token");
            Assert.That(response.Error["source"]!["header"]!.GetValue<string>(), Is.EqualTo("Authorization"));
        }

        Assert.That(current.Status, Is.EqualTo(HttpStatusCode.Created), current.Body);
        Assert.That(current.Header("Cache-Control"), Is.EqualTo("no-store"));
    }

    [Test]
    public async Task An_expired_invitation_is_410_invitation_expired()
    {
        var (_, token) = await InviteAsync();
        App.Clock.Advance(TimeSpan.FromDays(7));

        var read = await Client.GetInvitationAsync(token);
        var accept = await Client.AcceptAsync(token);

        AssertCode(read, HttpStatusCode.Gone, "invitation_expired");
        AssertCode(accept, HttpStatusCode.Gone, "invitation_expired");
        Assert.That((read.Header("Cache-Control"), accept.Header("Cache-Control")), Is.EqualTo(("no-store", "no-store")), "what a link's credential opens is cached nowhere");
        Assert.That(accept.Error["detail"]!.GetValue<string>(), Does.Contain("Acme").And.Contain("expired on"));
        Snapshot.Match(accept);
        Assert.That(await App.Data.CountAsync("memberships"), Is.Zero);
    }

    [Test]
    public async Task A_cancelled_invitation_is_410_invitation_cancelled()
    {
        var (invitation, token) = await InviteAsync();
        await Client.DeleteAsync(Org.Invite(invitation, version: Version), Org.Token);

        var read = await Client.GetInvitationAsync(token);
        var accept = await Client.AcceptAsync(token);

        AssertCode(read, HttpStatusCode.Gone, "invitation_cancelled");
        AssertCode(accept, HttpStatusCode.Gone, "invitation_cancelled");
        Assert.That(await App.Data.CountAsync("memberships"), Is.Zero);
    }

    [Test]
    public async Task An_accepted_invitation_is_410_invitation_accepted_and_stays_accepted()
    {
        var (invitation, token) = await InviteAsync();
        var first = await Client.AcceptAsync(token);

        var again = await Client.AcceptAsync(token);
        var read = await Client.GetInvitationAsync(token);
        var cancel = await Client.DeleteAsync(Org.Invite(invitation, version: Version), Org.Token);
        App.Clock.Advance(TimeSpan.FromDays(30));
        var later = await Client.AcceptAsync(token);

        Assert.That(first.Status, Is.EqualTo(HttpStatusCode.Created), first.Body);
        AssertCode(again, HttpStatusCode.Gone, "invitation_accepted");
        AssertCode(read, HttpStatusCode.Gone, "invitation_accepted");
        AssertCode(cancel, HttpStatusCode.Conflict, "invalid_state");
        AssertCode(later, HttpStatusCode.Gone, "invitation_accepted");
        Assert.That(await App.Data.CountAsync("memberships"), Is.EqualTo(1));
    }

    [Test]
    public async Task Inviting_a_member_is_409_already_member()
    {
        await Client.JoinAsync(Org, "ada@example.com");

        var again = await Client.PostAsync(Org.Invites(Version), Org.Token, JsonApiClient.NewInvitation("ADA@Example.com", Org.Roles["viewer"]));

        AssertCode(again, HttpStatusCode.Conflict, "already_member");
        again.AssertError(HttpStatusCode.Conflict, pointer: "/data/attributes/email");
        Assert.That(await App.Data.CountAsync("invitations"), Is.EqualTo(1), "nothing was written");
        Assert.That(await App.Data.CountAsync("email_outbox"), Is.EqualTo(1), "no email was queued");
    }

    [Test]
    public async Task Accepting_for_an_email_that_became_a_member_meanwhile_is_409_already_member()
    {
        // An invitation still pending for someone who joined through another one: only reachable by a race (or data
        // from elsewhere), so the state is made in the database.
        var (stale, staleToken) = await InviteAsync();
        await App.Data.SetInvitationStateAsync(stale, "cancelled");
        await Client.JoinAsync(Org, "ada@example.com", "viewer");
        await App.Data.SetInvitationStateAsync(stale, "pending");

        var accept = await Client.AcceptAsync(staleToken);

        AssertCode(accept, HttpStatusCode.Conflict, "already_member");
        Assert.That((await App.Data.InvitationAsync(stale)).State, Is.EqualTo("pending"), "nothing was half-written");
        Assert.That(await App.Data.CountAsync("memberships"), Is.EqualTo(1));
    }

    [TestCase("""{"data":{"type":"membership","attributes":{"email":"eve@example.com"}}}""", HttpStatusCode.Forbidden, "read_only", "/data/attributes/email")]
    [TestCase("""{"data":{"type":"membership","relationships":{"role":{"data":{"type":"role","id":"00000000-0000-0000-0000-000000000001"}}}}}""", HttpStatusCode.Forbidden, "read_only", "/data/relationships/role")]
    [TestCase("""{"data":{"type":"site_invitation"}}""", HttpStatusCode.Conflict, "type_mismatch", "/data/type")]
    [TestCase("""{"data":{"type":"membership","id":"00000000-0000-0000-0000-000000000001"}}""", HttpStatusCode.Forbidden, "client_generated_id", "/data/id")]
    [TestCase("""{"data":{}}""", HttpStatusCode.BadRequest, "invalid_document", "/data")]
    [TestCase("""{"meta":{}}""", HttpStatusCode.BadRequest, "invalid_document", "")]
    [TestCase("""{"data":""", HttpStatusCode.BadRequest, "malformed_json", "")]
    public async Task A_bad_accept_document_is_refused_at_its_culprit_and_accepts_nothing(string body, HttpStatusCode status, string? code, string? pointer)
    {
        var (invitation, token) = await InviteAsync();

        var response = await Client.AcceptAsync(token, body);

        response.AssertError(status, pointer: pointer);
        if (code is not null)
        {
            Assert.That(response.Error["code"]!.GetValue<string>(), Is.EqualTo(code), response.Body);
        }

        Assert.That((await App.Data.InvitationAsync(invitation)).State, Is.EqualTo("pending"));
        Assert.That((await Client.AcceptAsync(token)).Status, Is.EqualTo(HttpStatusCode.Created), "the invitation can still be accepted");
    }

    [Test]
    public async Task The_invitee_routes_keep_the_JSON_API_rules()
    {
        var (_, token) = await InviteAsync();

        var wrongMediaType = await Client.SendAsync(HttpMethod.Post, $"/memberships?version={Version}", null, InviteeClient.AcceptDocument, "application/json", InviteeClient.Credential(token));
        var unknownParameter = await Client.GetInvitationAsync(token, "&sort=email");
        var unknownInclude = await Client.GetInvitationAsync(token, "&include=membership");
        var sparse = await Client.GetInvitationAsync(token, "&include=organization&fields[site_invitation]=email,organization&fields[organization]=name");
        var listParameterOnAccept = await Client.AcceptAsync(token, query: "&include=role");

        Assert.That(wrongMediaType.Status, Is.EqualTo(HttpStatusCode.UnsupportedMediaType), wrongMediaType.Body);
        unknownParameter.AssertError(HttpStatusCode.BadRequest, parameter: "sort");
        unknownInclude.AssertError(HttpStatusCode.BadRequest, parameter: "include");
        Assert.That(sparse.Json["data"]!["attributes"]!.AsObject().Select(p => p.Key), Is.EqualTo(new[] { "email" }));
        Assert.That(sparse.Json["data"]!["relationships"]!.AsObject().Select(p => p.Key), Is.EqualTo(new[] { "organization" }));
        Assert.That(sparse.Json["included"]![0]!["attributes"]!.AsObject().Select(p => p.Key), Is.EqualTo(new[] { "name" }));
        listParameterOnAccept.AssertError(HttpStatusCode.BadRequest, parameter: "include");
        Assert.That(await App.Data.CountAsync("memberships"), Is.Zero);
    }

    [Test]
    public async Task Of_concurrent_accepts_exactly_one_wins()
    {
        var (invitation, token) = await InviteAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => Client.AcceptAsync(token))));

        Assert.That(responses.Count(r => r.Status == HttpStatusCode.Created), Is.EqualTo(1), string.Join("\n", responses.Select(r => r.Body)));
        Assert.That(
            responses.Where(r => r.Status != HttpStatusCode.Created).Select(r => (r.Status, r.Error["code"]!.GetValue<string>())).Distinct(),
            Is.EqualTo(new[] { (HttpStatusCode.Gone, "invitation_accepted") }));
        Assert.That(await App.Data.CountAsync("memberships"), Is.EqualTo(1));
        var winner = responses.Single(r => r.Status == HttpStatusCode.Created).Json["data"]!["id"]!.GetValue<string>();
        var stored = await Client.GetAsync(Org.Invite(invitation, version: Version), Org.Token);
        Assert.That(stored.Json["data"]!["relationships"]!["membership"]!["data"]!["id"]!.GetValue<string>(), Is.EqualTo(winner));
    }

    [Test]
    public async Task The_accept_token_never_reaches_a_log_line_or_a_link_the_server_writes()
    {
        var (invitation, token) = await InviteAsync();
        var bodies = new List<string>();
        foreach (var response in new[]
        {
            await Client.GetInvitationAsync(token, "&include=role,organization"),
            await Client.GetInvitationAsync(token, "&bogus=1"),
            await Client.AcceptAsync(token, """{"data":{"type":"membership","attributes":{"email":"x@example.com"}}}"""),
            await Client.AcceptAsync(token),
            await Client.AcceptAsync(token),
            await Client.GetAsync(Org.Invite(invitation, version: Version, query: "&include=role"), Org.Token),
        })
        {
            bodies.Add(response.Body + string.Join(' ', response.Headers.SelectMany(h => h.Value)));
        }

        Assert.That(App.Logs.Lines, Is.Not.Empty, "the server logs (the sink sees its lines)");
        Assert.That(string.Join("\n", App.Logs.Lines), Does.Not.Contain(token).And.Not.Contain(TokenSecret.Hash(token)));
        Assert.That(bodies, Has.None.Contain(token));
    }

    private static string Rfc3339(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
