using System.Net;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.Versioning;

public sealed class VersionParameterTests(DatabaseKind database) : SharedAppTests(database)
{
    [Test]
    public async Task Cannot_call_the_api_without_a_version()
    {
        var response = await Client.GetAsync($"/orgs/{Org.Id}/invites", Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.BadRequest));
        Snapshot.Match(response);
    }

    [TestCase("2021-6-4")]
    [TestCase("2021-02-30")]
    [TestCase("2021-06-04~ga")]
    [TestCase("latest")]
    public async Task Cannot_call_the_api_with_an_invalid_version(string version)
    {
        var response = await Client.GetAsync(Org.Invites(version), Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Error["code"]!.GetValue<string>(), Is.EqualTo("invalid_version"));
        Assert.That(response.Error["source"]!["parameter"]!.GetValue<string>(), Is.EqualTo("version"));
    }

    [Test]
    public async Task Cannot_give_the_version_twice()
    {
        var response = await Client.GetAsync(Org.Invites("2021-06-04", "&version=2021-06-04"), Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Error["code"]!.GetValue<string>(), Is.EqualTo("invalid_version"));
    }

    [Test]
    public async Task Cannot_ask_for_a_version_dated_after_tomorrow()
    {
        var tomorrow = DateOnly.FromDateTime(TestClock.Start.UtcDateTime).AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var dayAfter = DateOnly.FromDateTime(TestClock.Start.UtcDateTime).AddDays(2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var allowed = await Client.GetAsync(Org.Invites(tomorrow), Org.Token);
        var refused = await Client.GetAsync(Org.Invites(dayAfter), Org.Token);

        Assert.That(allowed.Status, Is.EqualTo(HttpStatusCode.OK), allowed.Body);
        Assert.That(refused.Status, Is.EqualTo(HttpStatusCode.BadRequest));
        Snapshot.Match(refused);
    }

    [Test]
    public async Task Cannot_ask_for_a_version_before_the_first_one()
    {
        var response = await Client.GetAsync(Org.Invites("2021-06-03"), Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Snapshot.Match(response);
    }

    [TestCase("2021-06-04", "2021-06-04", "2021-06-04", "sunset", "@1668384000", "Sun, 14 May 2023 00:00:00 GMT")]
    [TestCase("2022-11-13", "2022-11-13", "2021-06-04", "sunset", "@1668384000", "Sun, 14 May 2023 00:00:00 GMT")]
    [TestCase("2023-01-01", "2023-01-01", "2022-11-14", "ga", null, null)]
    [TestCase("2024-10-15", "2024-10-15", "2022-11-14", "ga", null, null)]
    [TestCase("2026-11-24", "2026-11-24", "2022-11-14", "ga", null, null)]
    [TestCase("2024-10-15~beta", "2024-10-15~beta", "2024-10-15~beta", "beta", null, null)]
    [TestCase("2024-10-14~beta", "2024-10-14~beta", "2022-11-14", "ga", null, null)]
    [TestCase("2021-06-04~work-in-progress", "2021-06-04~wip", "2021-06-04", "sunset", "@1668384000", "Sun, 14 May 2023 00:00:00 GMT")]
    [TestCase("beta", "2026-11-23~beta", "2024-10-15~beta", "beta", null, null)]
    [TestCase("experimental", "2026-11-23~experimental", "2024-10-15~beta", "beta", null, null)]
    public async Task Serves_the_resolved_version_and_reports_both(string requested, string normalized, string served, string stage, string? deprecation, string? sunset)
    {
        var response = await Client.GetAsync(Org.Invites(requested), Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK), response.Body);
        Assert.Multiple(() =>
        {
            Assert.That(response.Header("api-version-requested"), Is.EqualTo(normalized));
            Assert.That(response.Header("api-version-served"), Is.EqualTo(served));
            Assert.That(response.Header("api-version-lifecycle-stage"), Is.EqualTo(stage));
            Assert.That(response.Header("Deprecation"), Is.EqualTo(deprecation));
            Assert.That(response.Header("Sunset"), Is.EqualTo(sunset));
        });
    }

    [Test]
    public async Task Reports_supported_and_deprecated_versions_in_the_version_syntax()
    {
        var list = await Client.GetAsync(Org.Invites("2024-10-15~beta"), Org.Token);

        Assert.That(list.Header("api-supported-versions"), Is.EqualTo("2022-11-14, 2024-10-15~beta"));
        Assert.That(list.Header("api-deprecated-versions"), Is.EqualTo("2021-06-04"));
    }

    [Test]
    public async Task Links_keep_the_requested_version()
    {
        var response = await Client.GetAsync(Org.Invites("2023-01-01"), Org.Token);

        Assert.That(response.Json["links"]!["self"]!.GetValue<string>(), Does.StartWith($"/orgs/{Org.Id}/invites?version=2023-01-01"));
    }

    [Test]
    public async Task The_health_check_is_not_versioned()
    {
        // Not JSON:API either: a plain JSON probe for load balancers, so read with the bare client.
        using var response = await Client.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.StartWith("""{"status":"healthy",""").And.Contains("\"database\""));
        Assert.That(response.Headers.Contains("api-version-served"), Is.False);
    }
}
