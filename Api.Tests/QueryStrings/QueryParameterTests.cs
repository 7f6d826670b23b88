using System.Net;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.QueryStrings;

/// <summary>
/// JSON:API 1.1 §6.4 and §8 (query parameters): families such as <c>fields[...]</c>, unknown parameters refused with
/// the parameter named, brackets accepted encoded or not.
/// </summary>
public sealed class QueryParameterTests(DatabaseKind database) : SharedAppTests(database)
{
    [TestCase("sort=email", "sort")]
    [TestCase("page[size]=10", "page[size]")]
    [TestCase("page[cursor]=x", "page[cursor]")]
    [TestCase("filter[status]=pending", "filter[status]")]
    [TestCase("Include=role", "Include")]
    [TestCase("limt=20", "limt")]
    [TestCase("camelCase=1", "camelCase")]
    [TestCase("fields[role=key", "fields[role")]
    public async Task Refuses_a_parameter_it_does_not_know(string query, string parameter)
    {
        var response = await Client.GetAsync(Org.Invites(query: "&" + query), Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Error["code"]!.GetValue<string>(), Is.EqualTo("invalid_query_parameter"));
        Assert.That(response.Error["source"]!["parameter"]!.GetValue<string>(), Is.EqualTo(parameter));
    }

    [Test]
    public async Task Reports_an_unknown_parameter()
    {
        var response = await Client.GetAsync(Org.Invites(query: "&sort=-email"), Org.Token);

        Snapshot.Match(response);
    }

    [TestCase("include=role&include=role", "include")]
    [TestCase("fields[role]=key&fields[role]=name", "fields[role]")]
    [TestCase("limit=10&limit=20", "limit")]
    public async Task Refuses_a_parameter_given_twice(string query, string parameter)
    {
        var response = await Client.GetAsync(Org.Invites(query: "&" + query), Org.Token);

        response.AssertError(HttpStatusCode.BadRequest, parameter: parameter);
    }

    [TestCase("fields[role]=key")]
    [TestCase("fields%5Brole%5D=key")]
    [TestCase("fields%5brole%5d=key")]
    public async Task Accepts_brackets_encoded_or_not(string query)
    {
        var response = await Client.GetAsync(Org.RolesPath(query: "&" + query), Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Json["data"]![0]!["attributes"]!.AsObject().Select(a => a.Key), Is.EqualTo(new[] { "key" }));
    }

    [Test]
    public async Task Every_route_refuses_unknown_parameters()
    {
        var invitation = await Client.CreateInvitationAsync(Org, "ada@example.com");
        string[] paths =
        [
            Org.Invites(), Org.Invite(invitation), Org.Invite(invitation, "/role"), Org.Invite(invitation, "/relationships/role"),
            Org.Invite(invitation, "/organization"), Org.Invite(invitation, "/relationships/organization"),
            Org.RolesPath(), $"/orgs/{Org.Id}/roles/{Org.Roles["viewer"]}?version=2021-06-04", $"/orgs/{Org.Id}?version=2021-06-04",
        ];

        foreach (var path in paths)
        {
            var response = await Client.GetAsync(path + "&unknown_thing=1", Org.Token);

            Assert.That(response.Status, Is.EqualTo(HttpStatusCode.BadRequest), path);
            Assert.That(response.Error["source"]!["parameter"]!.GetValue<string>(), Is.EqualTo("unknown_thing"), path);
        }

        var delete = await Client.DeleteAsync(Org.Invite(invitation, query: "&unknown_thing=1"), Org.Token);
        var create = await Client.PostAsync(Org.Invites(query: "&unknown_thing=1"), Org.Token, JsonApiClient.NewInvitation("b@example.com", Org.Roles["viewer"]));
        Assert.That(delete.Status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(create.Status, Is.EqualTo(HttpStatusCode.BadRequest));
    }
}
