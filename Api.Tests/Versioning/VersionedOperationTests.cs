using System.Net;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.Versioning;

/// <summary>Operations that exist only from a version on: asked at an earlier resolved version, 404 naming that version.</summary>
public sealed class VersionedOperationTests(DatabaseKind database) : SharedAppTests(database)
{
    private Guid _invitation;

    protected override async Task OnStartedAsync()
    {
        _invitation = await Client.CreateInvitationAsync(Org, "ada@example.com");
    }

    private string PatchBody(string role = "viewer") => System.Text.Json.JsonSerializer.Serialize(new
    {
        data = new
        {
            type = "site_invitation",
            id = _invitation.ToString(),
            relationships = new { role = new { data = new { type = "role", id = Org.Roles[role].ToString() } } },
        },
    });

    [TestCase("2021-06-04")]
    [TestCase("2022-11-14")]
    [TestCase("2024-10-15")]
    [TestCase("2026-11-23")]
    public async Task Patch_does_not_exist_before_2024_10_15_beta(string version)
    {
        var response = await Client.SendAsync(HttpMethod.Patch, Org.Invite(_invitation, version: version), Org.Token, PatchBody());

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Error["code"]!.GetValue<string>(), Is.EqualTo("version_not_found"));
        Assert.That(response.Error["detail"]!.GetValue<string>(), Does.Contain("2024-10-15~beta"));
        Assert.That(response.Error["source"]!["parameter"]!.GetValue<string>(), Is.EqualTo("version"));
    }

    [TestCase("2022-11-14")]
    [TestCase("2024-10-15")]
    public async Task Resend_does_not_exist_before_2024_10_15_beta(string version)
    {
        var response = await Client.SendAsync(HttpMethod.Post, Org.Invite(_invitation, "/resend", version: version), Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Error["code"]!.GetValue<string>(), Is.EqualTo("version_not_found"));
        Assert.That(response.Error["detail"]!.GetValue<string>(), Does.Contain("2024-10-15~beta"));
    }

    [Test]
    public async Task Reports_an_operation_missing_at_the_resolved_version()
    {
        var response = await Client.SendAsync(HttpMethod.Post, Org.Invite(_invitation, "/resend", version: "2024-10-15"), Org.Token);

        Snapshot.Match(response);
    }

    [TestCase("2024-10-15~beta")]
    [TestCase("2025-01-01~beta")]
    [TestCase("beta")]
    [TestCase("2024-10-15~experimental")]
    public async Task Patch_and_resend_exist_from_2024_10_15_beta(string version)
    {
        var patch = await Client.SendAsync(HttpMethod.Patch, Org.Invite(_invitation, version: version), Org.Token, PatchBody());
        var resend = await Client.SendAsync(HttpMethod.Post, Org.Invite(_invitation, "/resend", version: version), Org.Token);

        Assert.That(patch.Status, Is.EqualTo(HttpStatusCode.OK), patch.Body);
        Assert.That(resend.Status, Is.EqualTo(HttpStatusCode.Accepted), resend.Body);
        Assert.That(resend.Header("api-version-served"), Is.EqualTo("2024-10-15~beta"));
    }

    [Test]
    public async Task An_unknown_route_stays_a_plain_404_at_every_version()
    {
        var response = await Client.GetAsync(Org.Invite(_invitation, "/nothing", version: "2022-11-14"), Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Error["code"]!.GetValue<string>(), Is.EqualTo("not_found"));
    }
}
