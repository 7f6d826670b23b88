using System.Net;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.ReadWrite;

public sealed class FetchingRoleTests(DatabaseKind database) : SharedAppTests(database)
{
    [Test]
    public async Task Can_list_the_four_default_roles_in_rank_order()
    {
        var response = await Client.GetAsync(Org.RolesPath(), Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK));
        var keys = response.Json["data"]!.AsArray().Select(r => r!["attributes"]!["key"]!.GetValue<string>());
        Assert.That(keys, Is.EqualTo(new[] { "owner", "admin", "collaborator", "viewer" }));
        Snapshot.Match(response);
    }

    [Test]
    public async Task Can_get_a_role()
    {
        var response = await Client.GetAsync($"/orgs/{Org.Id}/roles/{Org.Roles["viewer"]}?version=2021-06-04", Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK));
        Snapshot.Match(response);
    }

    [Test]
    public async Task Can_list_roles_with_a_sparse_fieldset()
    {
        var response = await Client.GetAsync(Org.RolesPath(query: "&fields[role]=key"), Org.Token);

        var attributes = response.Json["data"]![0]!["attributes"]!.AsObject();
        Assert.That(attributes.Select(a => a.Key), Is.EqualTo(new[] { "key" }));
    }

    [Test]
    public async Task Cannot_get_a_role_of_another_organization()
    {
        var other = await App.CreateOrganizationAsync("Other");

        var response = await Client.GetAsync($"/orgs/{Org.Id}/roles/{other.Roles["viewer"]}?version=2021-06-04", Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Error["code"]!.GetValue<string>(), Is.EqualTo("not_found"));
    }

    [Test]
    public async Task Cannot_list_the_roles_of_another_organization()
    {
        var other = await App.CreateOrganizationAsync("Elsewhere");

        var response = await Client.GetAsync(other.RolesPath(), Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Snapshot.Match(response);
    }

    [Test]
    public async Task Listing_roles_needs_org_read()
    {
        var token = await App.CreateTokenAsync(Org.Id, "org.user.read");

        var response = await Client.GetAsync(Org.RolesPath(), token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(response.Error["detail"]!.GetValue<string>(), Does.Contain("org.read"));
    }
}
