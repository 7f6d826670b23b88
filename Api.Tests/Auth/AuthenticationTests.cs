using System.Net;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.Auth;

public sealed class AuthenticationTests(DatabaseKind database) : SharedAppTests(database)
{
    [Test]
    public async Task Cannot_call_without_a_token()
    {
        var response = await Client.GetAsync(Org.Invites(), token: null);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Snapshot.Match(response);
    }

    [TestCase("Bearer jai_not-a-real-token")]
    [TestCase("Basic dXNlcjpwYXNz")]
    [TestCase("Bearer")]
    public async Task Cannot_call_with_an_unknown_token(string header)
    {
        var response = await Client.SendAsync(HttpMethod.Get, Org.Invites(), token: null, configure: r => r.Headers.TryAddWithoutValidation("Authorization", header));

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Header("WWW-Authenticate"), Is.EqualTo("Bearer"));
        Assert.That(response.Error["source"]!["header"]!.GetValue<string>(), Is.EqualTo("Authorization"));
    }

    [Test]
    public async Task Accepts_the_token_scheme_as_well_as_bearer()
    {
        var response = await Client.SendAsync(HttpMethod.Get, Org.Invites(), token: null, configure: r => r.Headers.TryAddWithoutValidation("Authorization", "token " + Org.Token));

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Cannot_reach_another_organization_which_looks_like_it_does_not_exist()
    {
        var other = await App.CreateOrganizationAsync("Other");

        var existing = await Client.GetAsync(other.Invites(), Org.Token);
        var missing = await Client.GetAsync($"/orgs/{Guid.NewGuid()}/invites?version=2021-06-04", Org.Token);

        Assert.That(existing.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(missing.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(existing.Error["detail"]!.GetValue<string>(), Is.EqualTo(missing.Error["detail"]!.GetValue<string>().Replace(missing.Error["detail"]!.GetValue<string>().Split('\'')[1], other.Id.ToString(), StringComparison.Ordinal)));
    }

    [TestCase("GET", "", "org.user.read")]
    [TestCase("POST", "", "org.user.invite")]
    [TestCase("GET", "/roles", null)]
    public async Task Cannot_act_without_the_permission(string method, string path, string? missing)
    {
        var token = await App.CreateTokenAsync(Org.Id, "org.read");
        var url = path == "/roles" ? Org.RolesPath() : Org.Invites();
        var body = method == "POST" ? System.Text.Json.JsonSerializer.Serialize(JsonApiClient.NewInvitation("ada@example.com", Org.Roles["viewer"])) : null;

        var response = await Client.SendAsync(new HttpMethod(method), url, token, body);

        if (missing is null)
        {
            Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK));
            return;
        }

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(response.Error["code"]!.GetValue<string>(), Is.EqualTo("forbidden"));
        Assert.That(response.Error["detail"]!.GetValue<string>(), Does.Contain($"'{missing}'"));
    }

    [Test]
    public async Task Reports_the_missing_permission()
    {
        var token = await App.CreateTokenAsync(Org.Id, "org.read", "org.user.read");

        var response = await Client.DeleteAsync(Org.Invite(Guid.NewGuid()), token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Forbidden));
        Snapshot.Match(response);
    }
}
