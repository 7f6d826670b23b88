using System.Net;
using System.Text.Json;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.ReadWrite;

/// <summary>JSON:API 1.1 §9.2 (updating resources): PATCH changes an invitation's role, from 2024-10-15~beta.</summary>
public sealed class UpdatingInvitationTests(DatabaseKind database) : FreshAppTests(database)
{
    private const string Beta = "2024-10-15~beta";

    private static readonly JsonSerializerOptions OmitNulls = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private static string Body(Guid id, object? relationships) =>
        JsonSerializer.Serialize(new { data = new { type = "site_invitation", id = id.ToString(), relationships } }, OmitNulls);

    private static object RoleTo(Guid roleId) => new { role = new { data = new { type = "role", id = roleId.ToString() } } };

    private Task<ApiResponse> Patch(Guid id, string body, string? token = null, string query = "") =>
        Client.SendAsync(HttpMethod.Patch, Org.Invite(id, version: Beta, query: query), token ?? Org.Token, body);

    [Test]
    public async Task Can_change_the_role_of_a_pending_invitation()
    {
        var id = await Client.CreateInvitationAsync(Org, "ada@example.com", "viewer");

        var response = await Patch(id, Body(id, RoleTo(Org.Roles["admin"])), query: "&include=role");

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Json["data"]!["relationships"]!["role"]!["data"]!["id"]!.GetValue<string>(), Is.EqualTo(Org.Roles["admin"].ToString()));
        Assert.That((await App.Data.InvitationAsync(id)).RoleId, Is.EqualTo(Org.Roles["admin"]));
        Snapshot.Match(response);
    }

    [Test]
    public async Task A_patch_without_relationships_changes_nothing()
    {
        var id = await Client.CreateInvitationAsync(Org, "ada@example.com", "viewer");

        var response = await Patch(id, Body(id, relationships: null));

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Json["data"]!["relationships"]!["role"]!["data"]!["id"]!.GetValue<string>(), Is.EqualTo(Org.Roles["viewer"].ToString()));
    }

    [Test]
    public async Task Can_change_the_role_of_an_expired_invitation()
    {
        var id = await Client.CreateInvitationAsync(Org, "ada@example.com", "viewer");
        App.Clock.Advance(TimeSpan.FromDays(8));

        var response = await Patch(id, Body(id, RoleTo(Org.Roles["collaborator"])));

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Json["data"]!["attributes"]!["status"]!.GetValue<string>(), Is.EqualTo("expired"));
    }

    [TestCase("cancelled")]
    [TestCase("accepted")]
    public async Task Cannot_change_an_answered_or_cancelled_invitation(string state)
    {
        var id = await Client.CreateInvitationAsync(Org, "ada@example.com", "viewer");
        await App.Data.SetInvitationStateAsync(id, state);

        var response = await Patch(id, Body(id, RoleTo(Org.Roles["admin"])));

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(response.Error["code"]!.GetValue<string>(), Is.EqualTo("invalid_state"));
        Assert.That((await App.Data.InvitationAsync(id)).RoleId, Is.EqualTo(Org.Roles["viewer"]));
    }

    [Test]
    public async Task Cannot_change_to_a_role_the_token_cannot_grant()
    {
        var id = await Client.CreateInvitationAsync(Org, "ada@example.com", "viewer");
        var token = await App.CreateTokenAsync(Org.Id, "org.read", "org.user.read", "org.user.invite");

        var response = await Patch(id, Body(id, RoleTo(Org.Roles["owner"])), token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(response.Error["code"]!.GetValue<string>(), Is.EqualTo("role_not_grantable"));
        Assert.That(response.Error["source"]!["pointer"]!.GetValue<string>(), Is.EqualTo("/data/relationships/role/data"));
    }

    [Test]
    public async Task Cannot_patch_another_resource_than_the_url_names()
    {
        var id = await Client.CreateInvitationAsync(Org, "ada@example.com", "viewer");

        var response = await Patch(id, Body(Guid.NewGuid(), RoleTo(Org.Roles["admin"])));

        response.AssertError(HttpStatusCode.Conflict, pointer: "/data/id");
        Snapshot.Match(response);
    }

    [TestCase("""{"data":{"type":"site_invitation","relationships":{}}}""", HttpStatusCode.BadRequest, "/data")]
    [TestCase("""{"data":{"type":"role","id":"ID"}}""", HttpStatusCode.Conflict, "/data/type")]
    [TestCase("""{"data":{"type":"site_invitation","id":"ID","attributes":{"email":"b@example.com"}}}""", HttpStatusCode.Forbidden, "/data/attributes/email")]
    [TestCase("""{"data":{"type":"site_invitation","id":"ID","attributes":{"nickname":"b"}}}""", HttpStatusCode.BadRequest, "/data/attributes/nickname")]
    [TestCase("""{"data":{"type":"site_invitation","id":"ID","relationships":{"organization":{"data":null}}}}""", HttpStatusCode.Forbidden, "/data/relationships/organization")]
    [TestCase("""{"data":{"type":"site_invitation","id":"ID","relationships":{"role":{"data":null}}}}""", HttpStatusCode.UnprocessableEntity, "/data/relationships/role/data")]
    [TestCase("""{"data":{"type":"site_invitation","id":"ID","relationships":{"role":{"data":{"type":"role","id":"nope"}}}}}""", HttpStatusCode.NotFound, "/data/relationships/role/data")]
    public async Task Reports_a_bad_update_document(string template, HttpStatusCode status, string pointer)
    {
        var id = await Client.CreateInvitationAsync(Org, "ada@example.com", "viewer");

        var response = await Patch(id, template.Replace("ID", id.ToString(), StringComparison.Ordinal));

        response.AssertError(status, pointer: pointer);
    }

    [Test]
    public async Task Cannot_patch_an_unknown_invitation()
    {
        var id = Guid.NewGuid();

        var response = await Patch(id, Body(id, RoleTo(Org.Roles["admin"])));

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NotFound));
    }
}
