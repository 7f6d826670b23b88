using System.Net;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.Relationships;

/// <summary>JSON:API 1.1 §9.3 (updating relationships) and §9 (403 for unsupported writes).</summary>
public sealed class UpdatingRelationshipTests(DatabaseKind database) : FreshAppTests(database)
{
    private const string Beta = "2024-10-15~beta";

    private Task<ApiResponse> PatchRole(Guid invitation, string body, string version = Beta) =>
        Client.SendAsync(HttpMethod.Patch, Org.Invite(invitation, "/relationships/role", version), Org.Token, body);

    private string Linkage(string role) => """{"data":{"type":"role","id":"ID"}}""".Replace("ID", Org.Roles[role].ToString(), StringComparison.Ordinal);

    [Test]
    public async Task Can_change_the_role_through_the_relationship_link()
    {
        var invitation = await Client.CreateInvitationAsync(Org, "ada@example.com", "viewer");

        var response = await PatchRole(invitation, Linkage("admin"));

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK), response.Body);
        Assert.That(response.Json["data"]!["id"]!.GetValue<string>(), Is.EqualTo(Org.Roles["admin"].ToString()));
        Assert.That((await App.Data.InvitationAsync(invitation)).RoleId, Is.EqualTo(Org.Roles["admin"]));
        Snapshot.Match(response);
    }

    [TestCase("""{"data":null}""", HttpStatusCode.UnprocessableEntity, "/data")]
    [TestCase("""{"data":{"type":"organization","id":"x"}}""", HttpStatusCode.Conflict, "/data/type")]
    [TestCase("""{"data":{"type":"role","id":"nope"}}""", HttpStatusCode.NotFound, "/data")]
    [TestCase("""{"data":[]}""", HttpStatusCode.BadRequest, "/data")]
    [TestCase("""{}""", HttpStatusCode.BadRequest, "")]
    public async Task Reports_a_bad_linkage(string body, HttpStatusCode status, string pointer)
    {
        var invitation = await Client.CreateInvitationAsync(Org, "ada@example.com", "viewer");

        var response = await PatchRole(invitation, body);

        response.AssertError(status, pointer: pointer);
    }

    [Test]
    public async Task Cannot_grant_a_role_the_token_lacks_through_the_relationship_link()
    {
        var invitation = await Client.CreateInvitationAsync(Org, "ada@example.com", "viewer");
        var token = await App.CreateTokenAsync(Org.Id, "org.read", "org.user.read", "org.user.invite");

        var response = await Client.SendAsync(HttpMethod.Patch, Org.Invite(invitation, "/relationships/role", Beta), token, Linkage("owner"));

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(response.Error["code"]!.GetValue<string>(), Is.EqualTo("role_not_grantable"));
    }

    [TestCase("2021-06-04")]
    [TestCase("2022-11-14")]
    public async Task Relationship_updates_arrive_with_2024_10_15_beta(string version)
    {
        var invitation = await Client.CreateInvitationAsync(Org, "ada@example.com", "viewer");

        var response = await PatchRole(invitation, Linkage("admin"), version);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Error["code"]!.GetValue<string>(), Is.EqualTo("version_not_found"));
    }

    [Test]
    public async Task The_organization_relationship_is_read_only()
    {
        var invitation = await Client.CreateInvitationAsync(Org, "ada@example.com", "viewer");
        var body = """{"data":{"type":"organization","id":"ID"}}""".Replace("ID", Org.Id.ToString(), StringComparison.Ordinal);

        var response = await Client.SendAsync(HttpMethod.Patch, Org.Invite(invitation, "/relationships/organization", Beta), Org.Token, body);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(response.Error["code"]!.GetValue<string>(), Is.EqualTo("unsupported_write"));
    }

    [Test]
    public async Task Roles_cannot_be_created_or_updated()
    {
        var create = await Client.SendAsync(HttpMethod.Post, Org.RolesPath(), Org.Token, """{"data":{"type":"role","attributes":{"key":"x"}}}""");
        var update = await Client.SendAsync(HttpMethod.Patch, $"/orgs/{Org.Id}/roles/{Org.Roles["viewer"]}?version=2021-06-04", Org.Token, """{"data":{"type":"role","id":"x"}}""");
        var replace = await Client.SendAsync(HttpMethod.Put, $"/orgs/{Org.Id}/roles/{Org.Roles["viewer"]}?version=2021-06-04", Org.Token, """{"data":{"type":"role","id":"x"}}""");

        Assert.That(create.Status, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(update.Status, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(replace.Status, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
    }
}
