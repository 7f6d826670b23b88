using System.Net;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.Relationships;

/// <summary>The <c>organization</c> relationship of <c>role</c>, and the organization resource it leads to.</summary>
public sealed class RoleRelationshipTests(DatabaseKind database) : SharedAppTests(database)
{
    private string RolePath(string suffix = "", string query = "") => $"/orgs/{Org.Id}/roles/{Org.Roles["viewer"]}{suffix}?version=2021-06-04{query}";

    [Test]
    public async Task Can_get_the_organization_linkage_of_a_role()
    {
        var response = await Client.GetAsync(RolePath("/relationships/organization"), Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK));
        Snapshot.Match(response);
    }

    [Test]
    public async Task Can_get_the_organization_of_a_role()
    {
        var response = await Client.GetAsync(RolePath("/organization"), Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Json["data"]!["id"]!.GetValue<string>(), Is.EqualTo(Org.Id.ToString()));
        Assert.That(response.Json["links"]!["self"]!.GetValue<string>(), Is.EqualTo(RolePath("/organization")));
    }

    [Test]
    public async Task Can_get_the_organization_itself()
    {
        var response = await Client.GetAsync($"/orgs/{Org.Id}?version=2021-06-04", Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK));
        Snapshot.Match(response);
    }

    [Test]
    public async Task The_organization_takes_a_sparse_fieldset()
    {
        var response = await Client.GetAsync($"/orgs/{Org.Id}?version=2021-06-04&fields[organization]=slug", Org.Token);

        Assert.That(response.Json["data"]!["attributes"]!.AsObject().Select(a => a.Key), Is.EqualTo(new[] { "slug" }));
    }

    [Test]
    public async Task Cannot_get_another_organization()
    {
        var other = await App.CreateOrganizationAsync("Other");

        var response = await Client.GetAsync($"/orgs/{other.Id}?version=2021-06-04", Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [TestCase("/relationships/organization")]
    [TestCase("/organization")]
    public async Task Cannot_follow_the_relationship_of_an_unknown_role(string suffix)
    {
        var response = await Client.GetAsync($"/orgs/{Org.Id}/roles/{Guid.NewGuid()}{suffix}?version=2021-06-04", Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Error["code"]!.GetValue<string>(), Is.EqualTo("not_found"));
    }
}
