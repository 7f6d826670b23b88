using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.Observability;

/// <summary>SPEC §10: Prometheus metrics that move with what the service does, and one log line per request without secrets.</summary>
public sealed partial class ObservabilityTests(DatabaseKind database) : FreshAppTests(database)
{
    [SetUp]
    public void StartOnTheVersionsDay() => App.Clock.StartOn(new DateOnly(2026, 11, 25));

    private async Task<string> Scrape()
    {
        using var response = await Client.GetAsync("/metrics");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain").Or.EqualTo("application/openmetrics-text"));
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The value of a counter or gauge sample (summed over its label sets), 0 when absent.</summary>
    private static double Value(string metrics, string name) =>
        Regex.Matches(metrics, $@"^{Regex.Escape(name)}(\{{[^}}]*\}})? ([0-9.eE+-]+)", RegexOptions.Multiline)
            .Sum(m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));

    [Test]
    public async Task Metrics_show_request_durations_and_the_services_own_counters_moving()
    {
        var before = await Scrape();

        var cancelled = await Client.CreateInvitationAsync(Org, "cancel@example.com");
        await Client.DeleteAsync(Org.Invite(cancelled), Org.Token);
        await Client.JoinAsync(Org, "ada@example.com");
        var after = await Scrape();

        Assert.That(after, Does.Contain("http_server_request_duration_seconds_bucket"), "ASP.NET Core's request-duration histogram");
        Assert.That(after, Does.Not.Contain("http_server_active_requests"), "the in-flight gauge is dropped: two more updates per request");
        Assert.That(Value(after, "http_server_request_duration_seconds_count"), Is.GreaterThan(Value(before, "http_server_request_duration_seconds_count")));
        Assert.That(Value(after, "jsonapi_invites_invitations_created_total") - Value(before, "jsonapi_invites_invitations_created_total"), Is.EqualTo(2));
        Assert.That(Value(after, "jsonapi_invites_invitations_cancelled_total") - Value(before, "jsonapi_invites_invitations_cancelled_total"), Is.EqualTo(1));
        Assert.That(Value(after, "jsonapi_invites_invitations_accepted_total") - Value(before, "jsonapi_invites_invitations_accepted_total"), Is.EqualTo(1));
        Assert.That(Value(after, "jsonapi_invites_emails_queued_total") - Value(before, "jsonapi_invites_emails_queued_total"), Is.EqualTo(2));
        Assert.That(Value(after, "jsonapi_invites_emails_sent_total") - Value(before, "jsonapi_invites_emails_sent_total"), Is.EqualTo(1));
        Assert.That(after, Does.Contain("jsonapi_invites_outbox_oldest_due_age"));
        Assert.That(after, Does.Contain("process_runtime_dotnet").Or.Contain("dotnet_"), "runtime metrics");
        Assert.That(after, Does.Not.Contain("@example.com").And.Not.Contain(Org.Token).And.Not.Contain(Org.Id.ToString()), "no email, token or organization in metrics");
    }

    [Test]
    public async Task Each_request_is_one_log_line_with_its_status_duration_and_error_id_and_no_query()
    {
        var invitation = await Client.CreateInvitationAsync(Org, "ada@example.com");
        var token = await InviteeClient.AcceptTokenAsync(App, invitation);

        await Client.GetAsync(Org.Invites("2026-11-25", "&include=role"), Org.Token);
        var missing = await Client.GetAsync(Org.Invite(Guid.NewGuid(), version: "2026-11-25"), Org.Token);
        using (await Client.GetAsync("/accept?token=" + token))
        {
        }

        var lines = App.Logs.Lines.Where(l => l.Contains("RequestLogMiddleware", StringComparison.Ordinal)).ToList();
        Assert.That(lines, Has.Some.Match($@"GET /orgs/{Org.Id}/invites 200 \d+\.\d ms error -"));
        var errorId = missing.Error["id"]!.GetValue<string>();
        Assert.That(lines, Has.Some.Contains($"404").And.Some.Contains($"error {errorId}"), "the error's id, to find it from a client's report");
        Assert.That(lines, Has.Some.Match(@"GET /accept 200 "));
        using (await Client.GetAsync("/orgs/x%0Afake%20line/invites?version=2026-11-25"))
        {
        }

        Assert.That(App.Logs.Lines.Where(l => l.Contains("RequestLogMiddleware", StringComparison.Ordinal)), Has.Some.Contains("/orgs/x%0Afake%20line/invites 4"), "the path stays escaped: no forged line");
        Assert.That(string.Join("\n", App.Logs.Lines), Does.Not.Contain(token).And.Not.Contain(Org.Token).And.Not.Contain("version=2026"), "no query string, no credential");
    }

    [Test]
    public async Task Metrics_and_health_are_neither_versioned_nor_rate_limited()
    {
        using var metrics = await Client.GetAsync("/metrics");

        Assert.That(metrics.Headers.Contains("X-RateLimit-Limit"), Is.False);
        Assert.That(metrics.Headers.Contains("api-version-served"), Is.False);
    }
}
