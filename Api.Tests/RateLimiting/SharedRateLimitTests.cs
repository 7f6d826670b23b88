using System.Net;
using System.Text.Json.Nodes;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.RateLimiting;

/// <summary>
/// SPEC §9: with <c>RateLimit:Store=redis</c> every server spends one budget per token (per client IP without one);
/// when Redis does not answer, servers keep serving on budgets of their own, warn once, and report readiness Degraded.
/// </summary>
public sealed class SharedRateLimitTests(DatabaseKind database) : EveryDatabaseTests(database)
{
    private static Dictionary<string, string?> Limited(Dictionary<string, string?> settings)
    {
        settings["RateLimit:PermitLimit"] = "3";
        settings["RateLimit:WindowSeconds"] = "60";
        return settings;
    }

    /// <summary>Moves a clock to the start of a window, so that a test's requests share one.</summary>
    private static void StartOfWindow(TestApp app) => app.Clock.Advance(TimeSpan.FromSeconds(60 - (app.Clock.GetUtcNow().ToUnixTimeSeconds() % 60)));

    /// <summary>Two servers on one database and one Redis, at the start of a window; an organization; a client of each.</summary>
    private async Task<(TestOrganization Org, HttpClient[] Clients)> StartTwoAsync()
    {
        var settings = Limited(TestRedis.Settings());
        var a = Track(new TestApp(Database, settings));
        var org = await a.CreateOrganizationAsync();
        var b = Track(new TestApp(Database, settings, a.HandOver()));
        StartOfWindow(a);
        StartOfWindow(b);
        return (org, [Track(a.CreateClient()), Track(b.CreateClient())]);
    }

    [Test]
    public async Task Two_servers_spend_one_budget_per_token()
    {
        var (org, clients) = await StartTwoAsync();

        var responses = new List<ApiResponse>();
        for (var i = 0; i < 4; i++)
        {
            responses.Add(await clients[i % 2].GetAsync(org.RolesPath(), org.Token));
        }

        Assert.That(responses.Select(r => r.Status), Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        Assert.That(responses.Select(r => r.Header("X-RateLimit-Remaining")), Is.EqualTo(new[] { "2", "1", "0", "0" }));
        Assert.That(responses[^1].Header("Retry-After"), Is.EqualTo("60"));
        Assert.That(responses[^1].Error["code"]!.GetValue<string>(), Is.EqualTo("rate_limited"));
        using var ready = await clients[1].GetAsync(new Uri("/healthz/ready", UriKind.Relative));
        Assert.That(JsonNode.Parse(await ready.Content.ReadAsStringAsync())!["checks"]!["rate_limit_store"]!["status"]!.GetValue<string>(), Is.EqualTo("healthy"));
    }

    [Test]
    public async Task Anonymous_requests_spend_one_budget_per_client_address_across_servers()
    {
        var (org, clients) = await StartTwoAsync();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await clients[i % 2].GetAsync(org.RolesPath(), token: null)).Status);
        }

        Assert.That(statuses, Is.EqualTo(new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests }));
    }

    [Test]
    public async Task Without_redis_a_server_keeps_serving_on_its_own_budget_warns_once_and_is_degraded()
    {
        using var closed = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop(); // Nothing listens there now.
        var settings = Limited(TestRedis.Settings());
        settings["ConnectionStrings:Redis"] = $"127.0.0.1:{port},connectTimeout=200";
        var app = Track(new TestApp(Database, settings));
        var org = await app.CreateOrganizationAsync();
        StartOfWindow(app);
        var client = Track(app.CreateClient());

        var responses = new List<ApiResponse>();
        for (var i = 0; i < 4; i++)
        {
            responses.Add(await client.GetAsync(org.RolesPath(), org.Token));
        }

        using var ready = await client.GetAsync(new Uri("/healthz/ready", UriKind.Relative));
        var body = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;

        Assert.That(responses.Select(r => r.Status), Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests }), "still limited, by this server");
        Assert.That(responses.Select(r => r.Header("X-RateLimit-Remaining")), Is.EqualTo(new[] { "2", "1", "0", "0" }));
        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK), "degraded still serves");
        Assert.That(body["status"]!.GetValue<string>(), Is.EqualTo("degraded"));
        Assert.That(body["checks"]!["database"]!["status"]!.GetValue<string>(), Is.EqualTo("healthy"));
        Assert.That(body["checks"]!["rate_limit_store"]!["status"]!.GetValue<string>(), Is.EqualTo("degraded"));
        Assert.That(body["checks"]!["rate_limit_store"]!["description"]!.GetValue<string>(), Does.Contain($"127.0.0.1:{port}"));
        var warnings = app.Logs.Lines.Where(l => l.StartsWith("Warning JsonApiInvites.Api.RateLimiting.RedisRateLimitStore", StringComparison.Ordinal)).ToList();
        Assert.That(warnings, Has.Count.EqualTo(1), "one warning, not one per request:\n" + string.Join("\n", warnings));
    }
}
