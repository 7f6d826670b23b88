using System.Net;
using System.Text.Json.Nodes;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.Memberships;

/// <summary>SPEC §2, §8: an organization's members: cursor pages and filters, role changes without escalation, removal, the last owner kept.</summary>
public sealed class MembershipTests(DatabaseKind database) : FreshAppTests(database)
{
    private const string Version = InviteeClient.Version;

    [SetUp]
    public void StartOnTheVersionsDay() => App.Clock.StartOn(new DateOnly(2026, 11, 25));

    private async Task<Guid> Join(string email, string role = "collaborator")
    {
        App.Clock.Advance(TimeSpan.FromSeconds(1));
        return await Client.JoinAsync(Org, email, role);
    }

    private static string[] Ids(ApiResponse response) => [.. response.Json["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>())];

    private static string Code(ApiResponse response) => response.Error["code"]!.GetValue<string>();

    private Task<ApiResponse> Patch(string url, string body, string? token = null) => Client.SendAsync(HttpMethod.Patch, url, token ?? Org.Token, body);

    private static string RoleChange(Guid membership, Guid role) =>
        """{"data":{"type":"membership","id":"MEMBER","relationships":{"role":{"data":{"type":"role","id":"ROLE"}}}}}"""
            .Replace("MEMBER", membership.ToString(), StringComparison.Ordinal).Replace("ROLE", role.ToString(), StringComparison.Ordinal);

    private static string RoleLinkage(Guid role) => """{"data":{"type":"role","id":"ROLE"}}""".Replace("ROLE", role.ToString(), StringComparison.Ordinal);

    [Test]
    public async Task The_list_pages_by_cursor_in_joining_order_with_filters_and_included_roles()
    {
        // Pages hold a multiple of 10 members (SPEC §6): eleven members make two pages.
        var ada = await Join("ada@example.com", "admin");
        var bob = await Join("bob@example.com");
        for (var i = 0; i < 8; i++)
        {
            await Join($"member{i}@example.com");
        }

        var cy = await Join("cy@example.com", "viewer");

        var first = await Client.GetAsync(Org.Memberships(query: "&limit=10&include=role"), Org.Token);
        Assert.That(first.Json["links"]?["next"], Is.Not.Null, first.Body);
        var second = await Client.GetAsync(first.Json["links"]!["next"]!.GetValue<string>(), Org.Token);
        var back = await Client.GetAsync(second.Json["links"]!["prev"]!.GetValue<string>(), Org.Token);
        var byEmail = await Client.GetAsync(Org.Memberships(query: "&filter[email]=BOB@example.com"), Org.Token);
        var byRoles = await Client.GetAsync(Org.Memberships(query: $"&filter[role]={Org.Roles["admin"]},{Org.Roles["viewer"]}&include=role"), Org.Token);
        var sparse = await Client.GetAsync(Org.Memberships(query: "&fields[membership]=email"), Org.Token);

        Assert.That(Ids(first), Has.Length.EqualTo(10));
        Assert.That(Ids(first)[..2], Is.EqualTo(new[] { ada.ToString(), bob.ToString() }), "in the order they joined");
        Assert.That(first.Json["included"]!.AsArray().Select(r => r!["attributes"]!["key"]!.GetValue<string>()), Is.EquivalentTo(new[] { "admin", "collaborator" }));
        Assert.That(Ids(second), Is.EqualTo(new[] { cy.ToString() }));
        Assert.That(second.Json["links"]!["next"], Is.Null);
        Snapshot.Match(second, "second_page");
        Assert.That(Ids(back), Is.EqualTo(Ids(first)));
        Assert.That(Ids(byEmail), Is.EqualTo(new[] { bob.ToString() }));
        Assert.That(Ids(byRoles), Is.EqualTo(new[] { ada.ToString(), cy.ToString() }));
        Snapshot.Match(byRoles, "by_roles");
        Assert.That(sparse.Json["data"]![0]!["attributes"]!.AsObject().Select(p => p.Key), Is.EqualTo(new[] { "email" }));
        Assert.That(sparse.Json["data"]![0]!["relationships"], Is.Null);
    }

    [TestCase("&filter[role]=admin", "filter[role]")]
    [TestCase("&filter[email]=", "filter[email]")]
    [TestCase("&filter[status]=pending", "filter[status]")]
    [TestCase("&include=invitation", "include")]
    [TestCase("&limit=0", "limit")]
    [TestCase("&starting_after=nonsense", "starting_after")]
    [TestCase("&sort=email", "sort")]
    public async Task A_bad_list_parameter_is_400_at_that_parameter(string query, string parameter)
    {
        var response = await Client.GetAsync(Org.Memberships(query: query), Org.Token);

        response.AssertError(HttpStatusCode.BadRequest, parameter: parameter);
    }

    [Test]
    public async Task Every_link_of_a_member_answers()
    {
        var id = await Join("ada@example.com");

        var member = await Client.GetAsync(Org.Membership(id, query: "&include=role"), Org.Token);
        Snapshot.Match(member, "membership");

        var links = new List<string> { member.Json["data"]!["links"]!["self"]!.GetValue<string>() };
        foreach (var (_, relationship) in member.Json["data"]!["relationships"]!.AsObject())
        {
            links.Add(relationship!["links"]!["self"]!.GetValue<string>());
            links.Add(relationship["links"]!["related"]!.GetValue<string>());
        }

        foreach (var link in links)
        {
            var response = await Client.GetAsync(link, Org.Token);
            Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK), link + "\n" + response.Body);
            Snapshot.Match(response, link.Split('?')[0].Replace($"/orgs/{Org.Id}/memberships/{id}", string.Empty, StringComparison.Ordinal).Trim('/').Replace('/', '.') is { Length: > 0 } name ? name : "self");
        }

        Assert.That(links, Has.Count.EqualTo(7), "self, and self and related of role, organization and invitation");
    }

    [Test]
    public async Task An_unknown_member_or_one_of_another_organization_is_404()
    {
        var other = await App.CreateOrganizationAsync("Other");
        var id = await Join("ada@example.com");

        var unknown = await Client.GetAsync(Org.Membership(Guid.NewGuid()), Org.Token);
        var malformed = await Client.GetAsync($"/orgs/{Org.Id}/memberships/not-an-id?version={Version}", Org.Token);
        var elsewhere = await Client.GetAsync(other.Membership(id), other.Token);
        var deleteElsewhere = await Client.DeleteAsync(other.Membership(id), other.Token);

        foreach (var response in new[] { unknown, malformed, elsewhere, deleteElsewhere })
        {
            Assert.That((response.Status, Code(response)), Is.EqualTo((HttpStatusCode.NotFound, "not_found")), response.Body);
        }

        Assert.That((await Client.GetAsync(Org.Membership(id), Org.Token)).Status, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Older_versions_have_no_memberships()
    {
        var id = await Join("ada@example.com");

        var list = await Client.GetAsync(Org.Memberships(version: "2024-10-15~beta"), Org.Token);
        var one = await Client.GetAsync(Org.Membership(id, version: "2022-11-14"), Org.Token);
        var invitationMembership = await Client.GetAsync(Org.Invite(Guid.NewGuid(), "/membership", "2024-10-15~beta"), Org.Token);

        foreach (var response in new[] { list, one, invitationMembership })
        {
            Assert.That((response.Status, Code(response)), Is.EqualTo((HttpStatusCode.NotFound, "version_not_found")), response.Body);
            Assert.That(response.Error["detail"]!.GetValue<string>(), Does.Contain("2026-11-25"));
        }
    }

    [Test]
    public async Task The_role_changes_by_PATCH_of_the_member_and_of_its_role_relationship()
    {
        var id = await Join("ada@example.com");

        var patched = await Patch(Org.Membership(id), RoleChange(id, Org.Roles["viewer"]));
        var linkage = await Patch(Org.Membership(id, "/relationships/role"), RoleLinkage(Org.Roles["admin"]));
        var read = await Client.GetAsync(Org.Membership(id), Org.Token);

        Assert.That(patched.Status, Is.EqualTo(HttpStatusCode.OK), patched.Body);
        Assert.That(patched.Json["data"]!["relationships"]!["role"]!["data"]!["id"]!.GetValue<string>(), Is.EqualTo(Org.Roles["viewer"].ToString()));
        Snapshot.Match(patched, "member");
        Assert.That(linkage.Status, Is.EqualTo(HttpStatusCode.OK), linkage.Body);
        Assert.That(linkage.Json["data"]!["id"]!.GetValue<string>(), Is.EqualTo(Org.Roles["admin"].ToString()));
        Snapshot.Match(linkage, "linkage");
        Assert.That(read.Json["data"]!["relationships"]!["role"]!["data"]!["id"]!.GetValue<string>(), Is.EqualTo(Org.Roles["admin"].ToString()));
    }

    [TestCase("""{"data":{"type":"membership","id":"{id}","attributes":{"email":"eve@example.com"}}}""", HttpStatusCode.Forbidden, "read_only", "/data/attributes/email")]
    [TestCase("""{"data":{"type":"membership","id":"{id}","attributes":{"nickname":"eve"}}}""", HttpStatusCode.BadRequest, "invalid_document", "/data/attributes/nickname")]
    [TestCase("""{"data":{"type":"membership","id":"{id}","relationships":{"invitation":{"data":null}}}}""", HttpStatusCode.Forbidden, "read_only", "/data/relationships/invitation")]
    [TestCase("""{"data":{"type":"membership","id":"{id}","relationships":{"role":{"data":null}}}}""", HttpStatusCode.UnprocessableEntity, "invalid_value", "/data/relationships/role/data")]
    [TestCase("""{"data":{"type":"membership","id":"{id}","relationships":{"role":{"data":{"type":"organization","id":"{id}"}}}}}""", HttpStatusCode.Conflict, "type_mismatch", "/data/relationships/role/data/type")]
    [TestCase("""{"data":{"type":"membership","id":"{id}","relationships":{"role":{"data":{"type":"role","id":"{id}"}}}}}""", HttpStatusCode.NotFound, "not_found", "/data/relationships/role/data")]
    [TestCase("""{"data":{"type":"membership","id":"00000000-0000-0000-0000-000000000001"}}""", HttpStatusCode.Conflict, "id_mismatch", "/data/id")]
    [TestCase("""{"data":{"type":"site_invitation","id":"{id}"}}""", HttpStatusCode.Conflict, "type_mismatch", "/data/type")]
    public async Task A_bad_member_update_is_refused_at_its_culprit_and_changes_nothing(string body, HttpStatusCode status, string code, string pointer)
    {
        var id = await Join("ada@example.com");

        var response = await Patch(Org.Membership(id), body.Replace("{id}", id.ToString(), StringComparison.Ordinal));

        response.AssertError(status, pointer: pointer);
        Assert.That(Code(response), Is.EqualTo(code));
        var read = await Client.GetAsync(Org.Membership(id), Org.Token);
        Assert.That(read.Json["data"]!["relationships"]!["role"]!["data"]!["id"]!.GetValue<string>(), Is.EqualTo(Org.Roles["collaborator"].ToString()));
    }

    [Test]
    public async Task A_token_cannot_give_or_touch_a_role_it_could_not_grant()
    {
        // An admin's token (no org.admin) cannot make owners, nor change or remove one.
        var owner = await Join("ada@example.com", "owner");
        var viewer = await Join("bob@example.com", "viewer");
        var limited = await App.CreateTokenAsync(Org.Id, "org.read", "org.user.read", "org.user.invite");

        var promote = await Patch(Org.Membership(viewer), RoleChange(viewer, Org.Roles["owner"]), limited);
        var promoteLinkage = await Patch(Org.Membership(viewer, "/relationships/role"), RoleLinkage(Org.Roles["owner"]), limited);
        var demote = await Patch(Org.Membership(owner), RoleChange(owner, Org.Roles["viewer"]), limited);
        var remove = await Client.DeleteAsync(Org.Membership(owner), limited);
        var allowed = await Patch(Org.Membership(viewer), RoleChange(viewer, Org.Roles["collaborator"]), limited);

        promote.AssertError(HttpStatusCode.Forbidden, pointer: "/data/relationships/role/data");
        promoteLinkage.AssertError(HttpStatusCode.Forbidden, pointer: "/data");
        foreach (var response in new[] { promote, promoteLinkage, demote, remove })
        {
            Assert.That(Code(response), Is.EqualTo("role_not_grantable"), response.Body);
        }

        Assert.That(allowed.Status, Is.EqualTo(HttpStatusCode.OK), allowed.Body);
        var kept = await Client.GetAsync(Org.Membership(owner), Org.Token);
        Assert.That(kept.Json["data"]!["relationships"]!["role"]!["data"]!["id"]!.GetValue<string>(), Is.EqualTo(Org.Roles["owner"].ToString()), "the owner is still an owner");
    }

    [Test]
    public async Task A_read_only_token_cannot_change_or_remove_members()
    {
        var id = await Join("ada@example.com");
        var reader = await App.CreateTokenAsync(Org.Id, "org.read", "org.user.read");

        var patch = await Patch(Org.Membership(id), RoleChange(id, Org.Roles["viewer"]), reader);
        var delete = await Client.DeleteAsync(Org.Membership(id), reader);
        var list = await Client.GetAsync(Org.Memberships(), reader);

        Assert.That((patch.Status, delete.Status), Is.EqualTo((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden)));
        Assert.That(list.Status, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Removing_a_member_deletes_it_and_its_invitation_stays_accepted()
    {
        var id = await Join("ada@example.com");
        var invitation = Guid.Parse((await Client.GetAsync(Org.Membership(id, "/relationships/invitation"), Org.Token)).Json["data"]!["id"]!.GetValue<string>());

        var removed = await Client.DeleteAsync(Org.Membership(id), Org.Token);
        var gone = await Client.GetAsync(Org.Membership(id), Org.Token);
        var again = await Client.DeleteAsync(Org.Membership(id), Org.Token);
        var invite = await Client.GetAsync(Org.Invite(invitation, version: Version), Org.Token);
        var reinvited = await Client.PostAsync(Org.Invites(Version), Org.Token, JsonApiClient.NewInvitation("ada@example.com", Org.Roles["viewer"]));

        Assert.That(removed.Status, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(removed.Body, Is.Empty);
        Assert.That(gone.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(again.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(invite.Json["data"]!["attributes"]!["status"]!.GetValue<string>(), Is.EqualTo("accepted"));
        Assert.That(invite.Json["data"]!["relationships"]!["membership"]!["data"], Is.Null, "the member it made is gone");
        Assert.That(reinvited.Status, Is.EqualTo(HttpStatusCode.Created), "a removed member can be invited again");
        Assert.That(await App.Data.CountAsync("memberships"), Is.Zero);
    }

    [Test]
    public async Task The_last_owner_can_be_neither_demoted_nor_removed()
    {
        var first = await Join("ada@example.com", "owner");

        var demote = await Patch(Org.Membership(first), RoleChange(first, Org.Roles["admin"]));
        var demoteLinkage = await Patch(Org.Membership(first, "/relationships/role"), RoleLinkage(Org.Roles["viewer"]));
        var remove = await Client.DeleteAsync(Org.Membership(first), Org.Token);
        var second = await Join("bob@example.com", "owner");
        var removeFirst = await Client.DeleteAsync(Org.Membership(first), Org.Token);
        var removeSecond = await Client.DeleteAsync(Org.Membership(second), Org.Token);

        foreach (var response in new[] { demote, demoteLinkage, remove, removeSecond })
        {
            Assert.That((response.Status, Code(response)), Is.EqualTo((HttpStatusCode.Conflict, "last_owner")), response.Body);
        }

        Snapshot.Match(remove, "last_owner");
        Assert.That(removeFirst.Status, Is.EqualTo(HttpStatusCode.NoContent), "with another owner, one may go");
        Assert.That(Ids(await Client.GetAsync(Org.Memberships(), Org.Token)), Is.EqualTo(new[] { second.ToString() }));
    }

    [Test]
    public async Task Concurrent_removals_and_demotions_of_two_owners_leave_one()
    {
        var owners = new[] { await Join("ada@example.com", "owner"), await Join("bob@example.com", "owner") };

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => i % 2 == 0
            ? Client.DeleteAsync(Org.Membership(owners[i % 4 / 2]), Org.Token)
            : Patch(Org.Membership(owners[i % 4 / 2]), RoleChange(owners[i % 4 / 2], Org.Roles["viewer"])))));

        var members = await Client.GetAsync(Org.Memberships(), Org.Token);
        var owning = members.Json["data"]!.AsArray().Count(m => m!["relationships"]!["role"]!["data"]!["id"]!.GetValue<string>() == Org.Roles["owner"].ToString());
        Assert.That(owning, Is.EqualTo(1), members.Body);
        Assert.That(responses.Count(r => r.Status == HttpStatusCode.Conflict), Is.GreaterThan(0));
        Assert.That(responses.Select(r => r.Status), Is.All.AnyOf(HttpStatusCode.NoContent, HttpStatusCode.OK, HttpStatusCode.Conflict, HttpStatusCode.NotFound));
    }

    [Test]
    public async Task A_change_or_removal_checked_against_a_role_the_member_no_longer_holds_is_not_done()
    {
        // A token without org.admin checks "may I remove this viewer?" while an owner promotes the viewer to owner:
        // the write must not remove (or demote) the owner the member has become.
        var other = await Join("ada@example.com", "owner");
        var promoted = await Join("bob@example.com", "viewer");
        var promote = await Patch(Org.Membership(promoted), RoleChange(promoted, Org.Roles["owner"]));
        Assert.That(promote.Status, Is.EqualTo(HttpStatusCode.OK));
        var repository = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<JsonApiInvites.Domain.Memberships.IMembershipRepository>(App.Services);

        var remove = await repository.RemoveAsync(Org.Id, promoted, Org.Roles["viewer"], Org.Roles["owner"], CancellationToken.None);
        var change = await repository.ChangeRoleAsync(Org.Id, promoted, Org.Roles["viewer"], Org.Roles["collaborator"], Org.Roles["owner"], CancellationToken.None);

        Assert.That((remove, change), Is.EqualTo((JsonApiInvites.Domain.Memberships.MembershipChange.RoleChanged, JsonApiInvites.Domain.Memberships.MembershipChange.RoleChanged)));
        var members = await Client.GetAsync(Org.Memberships(), Org.Token);
        Assert.That(
            members.Json["data"]!.AsArray().Select(m => m!["relationships"]!["role"]!["data"]!["id"]!.GetValue<string>()),
            Is.EqualTo(new[] { Org.Roles["owner"].ToString(), Org.Roles["owner"].ToString() }),
            $"both owners stay ({other}, {promoted})");
    }
}
