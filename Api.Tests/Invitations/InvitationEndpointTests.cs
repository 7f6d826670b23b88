using System.Net;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.Invitations;

/// <summary>
/// GET of the invitation list and of one invitation are served by endpoints of their own, outside MVC (the API's
/// hottest routes): they must answer as the MVC actions beside them do. Their documents are snapshot-tested per
/// version elsewhere (EveryVersionTests); these compare what the two kinds of route share.
/// </summary>
public sealed class InvitationEndpointTests(DatabaseKind database) : FreshAppTests(database)
{
    private static readonly string[] VersionHeaders =
        ["api-version-requested", "api-version-served", "api-version-lifecycle-stage", "api-supported-versions", "api-deprecated-versions", "Deprecation", "Sunset"];

    [SetUp]
    public void StartOnTheLastVersionsDay() => App.Clock.StartOn(new DateOnly(2026, 11, 25));

    [TestCaseSource(typeof(JsonApiInvites.Api.Tests.Versioning.EveryVersionTests), nameof(JsonApiInvites.Api.Tests.Versioning.EveryVersionTests.Versions))]
    public async Task Their_version_headers_are_those_of_the_MVC_routes_beside_them(string version)
    {
        var id = await Client.CreateInvitationAsync(Org, "ada@example.com");

        var list = await Client.GetAsync(Org.Invites(version), Org.Token);
        var one = await Client.GetAsync(Org.Invite(id, version: version), Org.Token);
        var linkage = await Client.GetAsync(Org.Invite(id, "/relationships/role", version: version), Org.Token);

        foreach (var response in new[] { list, one })
        {
            Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK), response.Body);
            Assert.That(response.Header("api-supported-versions"), Is.Not.Null, "the supported versions are reported");
            foreach (var header in VersionHeaders)
            {
                Assert.That(response.Header(header), Is.EqualTo(linkage.Header(header)), header);
            }
        }
    }

    [Test]
    public async Task A_refused_request_reports_no_versions_as_an_MVC_route_refusing_it()
    {
        var id = await Client.CreateInvitationAsync(Org, "ada@example.com");
        var other = Guid.NewGuid();

        foreach (var (token, organization, status) in new[]
        {
            ((string?)null, Org.Id, HttpStatusCode.Unauthorized),
            (Org.Token, other, HttpStatusCode.NotFound),
        })
        {
            var linkage = await Client.GetAsync(Elsewhere(Org.Invite(id, "/relationships/role"), organization), token);
            Assert.That(linkage.Status, Is.EqualTo(status), linkage.Body);
            foreach (var path in new[] { Org.Invites(), Org.Invite(id) })
            {
                var response = await Client.GetAsync(Elsewhere(path, organization), token);

                Assert.That(response.Status, Is.EqualTo(status), response.Body);
                Assert.That(response.Header("api-supported-versions"), Is.Null.And.EqualTo(linkage.Header("api-supported-versions")));
                Assert.That(response.Error["code"]!.GetValue<string>(), Is.EqualTo(linkage.Error["code"]!.GetValue<string>()));
            }
        }
    }

    private string Elsewhere(string path, Guid organization) => path.Replace(Org.Id.ToString(), organization.ToString(), StringComparison.Ordinal);

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
    public async Task Their_requests_are_measured_under_their_route_templates()
    {
        var id = await Client.CreateInvitationAsync(Org, "ada@example.com");
        await Client.GetAsync(Org.Invites(), Org.Token);
        await Client.GetAsync(Org.Invite(id), Org.Token);

        using var response = await Client.GetAsync("/metrics");
        var metrics = await response.Content.ReadAsStringAsync();

        Assert.That(metrics, Does.Contain("http_request_method=\"GET\",http_response_status_code=\"200\",http_route=\"orgs/{org_id}/invites\""));
        Assert.That(metrics, Does.Contain("http_request_method=\"GET\",http_response_status_code=\"200\",http_route=\"orgs/{org_id}/invites/{invite_id}\""));
    }
}
