using System.Net;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.Invitations;

/// <summary>
/// GET of one invitation is served by an endpoint of its own, outside MVC (the API's hottest route): it must answer as
/// the MVC actions beside it do. Its documents are snapshot-tested per version elsewhere (EveryVersionTests); these
/// compare what the two kinds of route share.
/// </summary>
public sealed class GetOneRouteTests(DatabaseKind database) : FreshAppTests(database)
{
    private static readonly string[] VersionHeaders =
        ["api-version-requested", "api-version-served", "api-version-lifecycle-stage", "api-supported-versions", "api-deprecated-versions", "Deprecation", "Sunset"];

    [SetUp]
    public void StartOnTheLastVersionsDay() => App.Clock.StartOn(new DateOnly(2026, 11, 25));

    [TestCaseSource(typeof(JsonApiInvites.Api.Tests.Versioning.EveryVersionTests), nameof(JsonApiInvites.Api.Tests.Versioning.EveryVersionTests.Versions))]
    public async Task Its_version_headers_are_those_of_the_MVC_routes_beside_it(string version)
    {
        var id = await Client.CreateInvitationAsync(Org, "ada@example.com");

        var one = await Client.GetAsync(Org.Invite(id, version: version), Org.Token);
        var linkage = await Client.GetAsync(Org.Invite(id, "/relationships/role", version: version), Org.Token);

        Assert.That(one.Status, Is.EqualTo(HttpStatusCode.OK), one.Body);
        Assert.That(one.Header("api-supported-versions"), Is.Not.Null, "the supported versions are reported");
        foreach (var header in VersionHeaders)
        {
            Assert.That(one.Header(header), Is.EqualTo(linkage.Header(header)), header);
        }
    }

    [Test]
    public async Task A_refused_request_reports_no_versions_as_an_MVC_route_refuses_it()
    {
        var id = await Client.CreateInvitationAsync(Org, "ada@example.com");
        var other = Guid.NewGuid();

        foreach (var (token, path, status) in new[]
        {
            ((string?)null, Org.Invite(id), HttpStatusCode.Unauthorized),
            (Org.Token, Org.Invite(id).Replace(Org.Id.ToString(), other.ToString(), StringComparison.Ordinal), HttpStatusCode.NotFound),
        })
        {
            var one = await Client.GetAsync(path, token);
            var linkage = await Client.GetAsync(path.Replace("?", "/relationships/role?", StringComparison.Ordinal), token);

            Assert.That(one.Status, Is.EqualTo(status), one.Body);
            Assert.That(linkage.Status, Is.EqualTo(status), linkage.Body);
            Assert.That(one.Header("api-supported-versions"), Is.Null.And.EqualTo(linkage.Header("api-supported-versions")));
            Assert.That(one.Error["code"]!.GetValue<string>(), Is.EqualTo(linkage.Error["code"]!.GetValue<string>()));
        }
    }

    [Test]
    public async Task A_missing_invitation_is_404_with_the_versions_reported_as_an_MVC_route_does()
    {
        var missing = Guid.NewGuid();

        var one = await Client.GetAsync(Org.Invite(missing), Org.Token);
        var linkage = await Client.GetAsync(Org.Invite(missing, "/relationships/role"), Org.Token);

        one.AssertError(HttpStatusCode.NotFound);
        Assert.That(one.Error["detail"]!.GetValue<string>(), Is.EqualTo(linkage.Error["detail"]!.GetValue<string>()));
        Assert.That(one.Header("api-supported-versions"), Is.Not.Null.And.EqualTo(linkage.Header("api-supported-versions")));
    }

    [Test]
    public async Task Its_requests_are_measured_under_their_route_template()
    {
        var id = await Client.CreateInvitationAsync(Org, "ada@example.com");
        await Client.GetAsync(Org.Invite(id), Org.Token);

        using var response = await Client.GetAsync("/metrics");
        var metrics = await response.Content.ReadAsStringAsync();

        Assert.That(metrics, Does.Contain("http_route=\"orgs/{org_id}/invites/{invite_id}\""));
    }
}
