using System.Net;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.QueryStrings;

/// <summary>JSON:API 1.1 §8.3 (inclusion of related resources): only <c>include=role</c>, on invitations.</summary>
public sealed class IncludeTests(DatabaseKind database) : SharedAppTests(database)
{
    private Guid _first;

    protected override async Task OnStartedAsync()
    {
        _first = await Client.CreateInvitationAsync(Org, "ada@example.com", "viewer");
        App.Clock.Advance(TimeSpan.FromSeconds(1));
        await Client.CreateInvitationAsync(Org, "grace@example.com", "viewer");
        App.Clock.Advance(TimeSpan.FromSeconds(1));
        await Client.CreateInvitationAsync(Org, "alan@example.com", "admin");
    }

    [Test]
    public async Task A_role_shared_by_several_invitations_is_included_once()
    {
        var response = await Client.GetAsync(Org.Invites(query: "&include=role"), Org.Token);

        var included = response.Json["included"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).ToList();
        Assert.That(response.Json["data"]!.AsArray(), Has.Count.EqualTo(3));
        Assert.That(included, Is.EquivalentTo(new[] { Org.Roles["viewer"].ToString(), Org.Roles["admin"].ToString() }));
    }

    [Test]
    public async Task Can_include_the_role_of_one_invitation()
    {
        var response = await Client.GetAsync(Org.Invite(_first, query: "&include=role"), Org.Token);

        Assert.That(response.Json["included"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()), Is.EqualTo(new[] { Org.Roles["viewer"].ToString() }));
    }

    [Test]
    public async Task Included_is_present_and_empty_when_nothing_matches()
    {
        var other = await App.CreateOrganizationAsync("Empty");

        var response = await Client.GetAsync(other.Invites(query: "&include=role"), other.Token);

        Assert.That(response.Json["data"]!.AsArray(), Is.Empty);
        Assert.That(response.Json["included"]!.AsArray(), Is.Empty);
    }

    [Test]
    public async Task An_empty_include_includes_nothing_but_says_so()
    {
        var response = await Client.GetAsync(Org.Invites(query: "&include="), Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Json["included"]!.AsArray(), Is.Empty);
    }

    [Test]
    public async Task Included_is_absent_when_include_is_not_asked()
    {
        var response = await Client.GetAsync(Org.Invites(), Org.Token);

        Assert.That(response.Json.AsObject().ContainsKey("included"), Is.False);
    }

    [TestCase("organization")]
    [TestCase("role.organization")]
    [TestCase("role,organization")]
    [TestCase("roles")]
    [TestCase("Role")]
    public async Task Cannot_include_any_other_path(string path)
    {
        var response = await Client.GetAsync(Org.Invites(query: "&include=" + path), Org.Token);

        response.AssertError(HttpStatusCode.BadRequest, parameter: "include");
        Assert.That(response.Error["code"]!.GetValue<string>(), Is.EqualTo("invalid_query_parameter"));
    }

    [Test]
    public async Task Reports_an_unsupported_include_path()
    {
        var response = await Client.GetAsync(Org.Invite(_first, query: "&include=organization"), Org.Token);

        Snapshot.Match(response);
    }

    [Test]
    public async Task Roles_have_no_include_paths()
    {
        var response = await Client.GetAsync(Org.RolesPath(query: "&include=organization"), Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Error["detail"]!.GetValue<string>(), Does.Contain("no relationship paths"));
    }
}
