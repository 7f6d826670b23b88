using System.Net;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.Roles;

public sealed class RolesTests
{
    private TestApp _app = null!;
    private HttpClient _client = null!;
    private TestOrganization _org = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _app = new TestApp();
        _client = _app.CreateClient();
        _org = await _app.CreateOrganizationAsync();
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _client.Dispose();
        _app.Dispose();
    }

    [Test]
    public async Task Can_list_the_four_default_roles_in_rank_order()
    {
        var response = await _client.GetAsync(_org.RolesPath(), _org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK));
        var keys = response.Json["data"]!.AsArray().Select(r => r!["attributes"]!["key"]!.GetValue<string>());
        Assert.That(keys, Is.EqualTo(new[] { "owner", "admin", "collaborator", "viewer" }));
        Snapshot.Match(response);
    }

    [Test]
    public async Task Can_get_a_role()
    {
        var response = await _client.GetAsync($"/orgs/{_org.Id}/roles/{_org.Roles["viewer"]}?version=2021-06-04", _org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK));
        Snapshot.Match(response);
    }

    [Test]
    public async Task Can_list_roles_with_a_sparse_fieldset()
    {
        var response = await _client.GetAsync(_org.RolesPath(query: "&fields[role]=key"), _org.Token);

        var attributes = response.Json["data"]![0]!["attributes"]!.AsObject();
        Assert.That(attributes.Select(a => a.Key), Is.EqualTo(new[] { "key" }));
    }

    [Test]
    public async Task Cannot_get_a_role_of_another_organization()
    {
        var other = await _app.CreateOrganizationAsync("Other");

        var response = await _client.GetAsync($"/orgs/{_org.Id}/roles/{other.Roles["viewer"]}?version=2021-06-04", _org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Error["code"]!.GetValue<string>(), Is.EqualTo("not_found"));
    }

    [Test]
    public async Task Cannot_list_the_roles_of_another_organization()
    {
        var other = await _app.CreateOrganizationAsync("Elsewhere");

        var response = await _client.GetAsync(other.RolesPath(), _org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Snapshot.Match(response);
    }

    [Test]
    public async Task Listing_roles_needs_org_read()
    {
        var token = await _app.CreateTokenAsync(_org.Id, "org.user.read");

        var response = await _client.GetAsync(_org.RolesPath(), token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(response.Error["detail"]!.GetValue<string>(), Does.Contain("org.read"));
    }
}
