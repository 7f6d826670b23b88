using System.Net;
using System.Text.Json.Nodes;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.ReadWrite;

public sealed class CreatingInvitationTests(DatabaseKind database) : FreshAppTests(database)
{
    private Task<ApiResponse> Post(object body, string query = "") => Client.PostAsync(Org.Invites("2021-06-04", query), Org.Token, body);

    private static string Document(JsonObject data) => new JsonObject { ["data"] = data }.ToJsonString();

    private JsonObject ValidData(string email = "ada@example.com") => new()
    {
        ["type"] = "site_invitation",
        ["attributes"] = new JsonObject { ["email"] = email },
        ["relationships"] = new JsonObject { ["role"] = new JsonObject { ["data"] = new JsonObject { ["type"] = "role", ["id"] = Org.Roles["collaborator"].ToString() } } },
    };

    [Test]
    public async Task Can_create_an_invitation()
    {
        var response = await Post(JsonApiClient.NewInvitation("ada@example.com", Org.Roles["collaborator"]));

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Created), response.Body);
        Assert.That(response.Header("Location"), Is.EqualTo(response.Json["data"]!["links"]!["self"]!.GetValue<string>()));
        Snapshot.Match(response);

        var row = (await App.Data.InvitationsAsync()).Single();
        Assert.That((row.Email, row.State, row.CreatedAt, row.ExpiresAt), Is.EqualTo(("ada@example.com", "pending", TestClock.Start, TestClock.Start.AddDays(7))));
    }

    [Test]
    public async Task Can_create_an_invitation_and_include_its_role()
    {
        var response = await Post(JsonApiClient.NewInvitation("ada@example.com", Org.Roles["viewer"]), "&include=role");

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Created), response.Body);
        Snapshot.Match(response);
    }

    [Test]
    public async Task Trims_the_email()
    {
        var response = await Post(JsonApiClient.NewInvitation("  ada@example.com\t", Org.Roles["viewer"]));

        Assert.That(response.Json["data"]!["attributes"]!["email"]!.GetValue<string>(), Is.EqualTo("ada@example.com"));
    }

    [Test]
    public async Task Cannot_invite_the_same_email_twice_while_pending_whatever_its_case()
    {
        await Client.CreateInvitationAsync(Org, "ada@example.com");

        var response = await Post(JsonApiClient.NewInvitation(" ADA@Example.COM", Org.Roles["viewer"]));

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Conflict));
        Snapshot.Match(response);
        Assert.That(await App.Data.CountAsync("invitations"), Is.EqualTo(1));
    }

    [Test]
    public async Task Can_invite_again_once_the_previous_invitation_expired()
    {
        var first = await Client.CreateInvitationAsync(Org, "ada@example.com");
        App.Clock.Advance(TimeSpan.FromDays(7));

        var response = await Post(JsonApiClient.NewInvitation("ada@example.com", Org.Roles["viewer"]));

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Created), response.Body);
        var old = await Client.GetAsync(Org.Invite(first), Org.Token);
        Assert.That(old.Json["data"]!["attributes"]!["expired"]!.GetValue<bool>(), Is.True);
    }

    [Test]
    public async Task Can_invite_again_once_the_previous_invitation_was_cancelled()
    {
        var first = await Client.CreateInvitationAsync(Org, "ada@example.com");
        await Client.DeleteAsync(Org.Invite(first), Org.Token);

        var response = await Post(JsonApiClient.NewInvitation("ada@example.com", Org.Roles["viewer"]));

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Created), response.Body);
    }

    [TestCase("not-an-email")]
    [TestCase("ada@")]
    [TestCase("@example.com")]
    [TestCase("ada@example")]
    [TestCase("ada lovelace@example.com")]
    [TestCase("ada@@example.com")]
    [TestCase("")]
    public async Task Cannot_create_an_invitation_with_an_invalid_email(string email)
    {
        var response = await Post(JsonApiClient.NewInvitation(email, Org.Roles["viewer"]));

        Assert.That(response.Status, Is.EqualTo((HttpStatusCode)422), response.Body);
        Assert.That(response.Error["code"]!.GetValue<string>(), Is.EqualTo("invalid_value"));
        Assert.That(response.Error["source"]!["pointer"]!.GetValue<string>(), Is.EqualTo("/data/attributes/email"));
    }

    [Test]
    public async Task Cannot_create_an_invitation_with_an_email_over_254_characters()
    {
        var email = new string('a', 60) + "@" + string.Join('.', Enumerable.Repeat(new string('b', 60), 3)) + ".example.com";
        Assert.That(email, Has.Length.GreaterThan(254));

        var response = await Post(JsonApiClient.NewInvitation(email, Org.Roles["viewer"]));

        Assert.That(response.Status, Is.EqualTo((HttpStatusCode)422));
        Snapshot.Match(response);
    }

    [Test]
    public async Task Accepts_an_email_of_exactly_254_characters()
    {
        var domain = string.Join('.', Enumerable.Repeat(new string('b', 61), 3)) + ".com";
        var email = new string('a', 254 - domain.Length - 1) + "@" + domain;
        Assert.That(email, Has.Length.EqualTo(254));

        var response = await Post(JsonApiClient.NewInvitation(email, Org.Roles["viewer"]));

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Created), response.Body);
    }

    [Test]
    public async Task Cannot_create_an_invitation_without_email()
    {
        var data = ValidData();
        data["attributes"]!.AsObject().Remove("email");

        var response = await Post(Document(data));

        Assert.That(response.Status, Is.EqualTo((HttpStatusCode)422));
        Snapshot.Match(response);
    }

    [Test]
    public async Task Cannot_create_an_invitation_with_a_non_string_email()
    {
        var data = ValidData();
        data["attributes"]!["email"] = 42;

        var response = await Post(Document(data));

        response.AssertError(HttpStatusCode.BadRequest, pointer: "/data/attributes/email");
    }

    [Test]
    public async Task Cannot_create_an_invitation_without_role()
    {
        var data = ValidData();
        data.Remove("relationships");

        var response = await Post(Document(data));

        Assert.That(response.Status, Is.EqualTo((HttpStatusCode)422));
        Snapshot.Match(response);
    }

    [Test]
    public async Task Cannot_create_an_invitation_with_an_empty_role()
    {
        var data = ValidData();
        data["relationships"]!["role"]!["data"] = null;

        var response = await Post(Document(data));

        response.AssertError((HttpStatusCode)422, pointer: "/data/relationships/role/data");
    }

    [Test]
    public async Task Cannot_create_an_invitation_with_a_role_relationship_without_data()
    {
        var data = ValidData();
        data["relationships"]!["role"] = new JsonObject { ["meta"] = new JsonObject() };

        var response = await Post(Document(data));

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.BadRequest));
        Snapshot.Match(response);
    }

    [TestCase("7c3a1a36-1111-4b5b-9d1e-000000000000")]
    [TestCase("not-a-uuid")]
    public async Task Cannot_create_an_invitation_with_an_unknown_role(string roleId)
    {
        var data = ValidData();
        data["relationships"]!["role"]!["data"]!["id"] = roleId;

        var response = await Post(Document(data));

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Error["code"]!.GetValue<string>(), Is.EqualTo("not_found"));
        Assert.That(response.Error["source"]!["pointer"]!.GetValue<string>(), Is.EqualTo("/data/relationships/role/data"));
    }

    [Test]
    public async Task Cannot_create_an_invitation_with_a_role_of_another_organization()
    {
        var other = await App.CreateOrganizationAsync("Other");

        var response = await Post(JsonApiClient.NewInvitation("ada@example.com", other.Roles["viewer"]));

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Snapshot.Match(response);
    }

    [Test]
    public async Task Cannot_create_an_invitation_with_a_role_of_the_wrong_type()
    {
        var data = ValidData();
        data["relationships"]!["role"]!["data"]!["type"] = "organization";

        var response = await Post(Document(data));

        response.AssertError(HttpStatusCode.Conflict, pointer: "/data/relationships/role/data/type");
    }

    [Test]
    public async Task Cannot_create_an_invitation_with_a_client_generated_id()
    {
        var data = ValidData();
        data["id"] = Guid.NewGuid().ToString();

        var response = await Post(Document(data));

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Forbidden));
        Snapshot.Match(response);
    }

    [Test]
    public async Task Cannot_create_a_resource_of_another_type()
    {
        var data = ValidData();
        data["type"] = "role";

        var response = await Post(Document(data));

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Conflict));
        Snapshot.Match(response);
    }

    [TestCase("{\"data\":", "")]
    [TestCase("[]", "")]
    [TestCase("{}", "")]
    [TestCase("{\"data\":[]}", "/data")]
    [TestCase("{\"data\":{\"attributes\":{}}}", "/data")]
    [TestCase("{\"data\":{\"type\":7}}", "/data/type")]
    [TestCase("{\"data\":{\"type\":\"site_invitation\",\"attributes\":[]}}", "/data/attributes")]
    [TestCase("{\"data\":{\"type\":\"site_invitation\",\"relationships\":7}}", "/data/relationships")]
    [TestCase("{\"data\":{\"type\":\"site_invitation\",\"relationships\":{\"role\":{\"data\":{\"id\":\"x\"}}}}}", "/data/relationships/role/data/type")]
    [TestCase("{\"data\":{\"type\":\"site_invitation\",\"relationships\":{\"role\":{\"data\":[]}}}}", "/data/relationships/role/data")]
    [TestCase("{\"data\":{\"type\":\"site_invitation\"},\"errors\":[]}", "/errors")]
    [TestCase("{\"data\":{\"type\":\"site_invitation\",\"attributes\":{\"nickname\":\"x\"}}}", "/data/attributes/nickname")]
    [TestCase("{\"data\":{\"type\":\"site_invitation\",\"attributes\":{\"a/b~c\":\"x\"}}}", "/data/attributes/a~1b~0c")]
    public async Task Cannot_create_an_invitation_from_a_document_of_the_wrong_shape(string body, string pointer)
    {
        var response = await Post(body);

        response.AssertError(HttpStatusCode.BadRequest, pointer: pointer);
        Assert.That(await App.Data.CountAsync("invitations"), Is.Zero);
    }

    [TestCase("{\"data\":{\"type\":\"site_invitation\",\"attributes\":{\"expired\":true}}}", "/data/attributes/expired")]
    [TestCase("{\"data\":{\"type\":\"site_invitation\",\"attributes\":{\"email\":\"a@b.co\"},\"relationships\":{\"organization\":{\"data\":null}}}}", "/data/relationships/organization")]
    public async Task Cannot_write_a_read_only_field(string body, string pointer)
    {
        var response = await Post(body);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Forbidden), response.Body);
        Assert.That(response.Error["code"]!.GetValue<string>(), Is.EqualTo("read_only"));
        Assert.That(response.Error["source"]!["pointer"]!.GetValue<string>(), Is.EqualTo(pointer));
    }

    [Test]
    public async Task Ignores_members_json_api_does_not_define_and_at_members()
    {
        var body = """
            {"@context":"x","links":{"self":"/x"},"included":[],"data":{"type":"site_invitation","@id":1,"bogus":true,
             "attributes":{"email":"ada@example.com","@note":"x"},
             "relationships":{"@meta":{},"role":{"data":{"type":"role","id":"ROLE"}}}}}
            """.Replace("ROLE", Org.Roles["viewer"].ToString(), StringComparison.Ordinal);

        var response = await Post(body);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Created), response.Body);
        Assert.That(response.Json["data"]!["attributes"]!.AsObject().Select(a => a.Key), Is.EqualTo(new[] { "email", "expired" }));
    }

    [Test]
    public async Task Reports_malformed_json()
    {
        var response = await Post("{\"data\": {\"type\": }");

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.BadRequest));
        Snapshot.Match(response);
    }

    [Test]
    public async Task Cannot_create_an_invitation_without_a_body()
    {
        var response = await Client.SendAsync(HttpMethod.Post, Org.Invites(), Org.Token, body: "");

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Error["code"]!.GetValue<string>(), Is.EqualTo("invalid_document"));
    }

    [Test]
    public async Task Cannot_invite_into_a_role_with_permissions_the_token_lacks()
    {
        var token = await App.CreateTokenAsync(Org.Id, "org.read", "org.user.read", "org.user.invite");

        var response = await Client.PostAsync(Org.Invites(), token, JsonApiClient.NewInvitation("ada@example.com", Org.Roles["owner"]));
        var allowed = await Client.PostAsync(Org.Invites(), token, JsonApiClient.NewInvitation("bob@example.com", Org.Roles["admin"]));

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Forbidden));
        Snapshot.Match(response);
        Assert.That(allowed.Status, Is.EqualTo(HttpStatusCode.Created));
    }

    [Test]
    public async Task Cannot_create_an_invitation_with_a_body_over_one_mebibyte()
    {
        var data = ValidData(new string('a', 1024 * 1024) + "@example.com");

        var response = await Post(Document(data));

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(response.Error["code"]!.GetValue<string>(), Is.EqualTo("payload_too_large"));
        Assert.That(response.Error["source"]!["pointer"]!.GetValue<string>(), Is.Empty);
        Assert.That(await App.Data.CountAsync("invitations"), Is.Zero);
    }
}
