using System.Net;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.RateLimiting;

/// <summary>
/// SPEC §7: a fixed window per token (per client IP without one), headers on every response, 429 beyond it. The
/// same on each database and with each store: in memory, and in Redis (SPEC §9).
/// </summary>
[TestFixtureSource(nameof(Fixtures))]
public sealed class RateLimitTests(DatabaseKind database, string store)
{
    public static IEnumerable<object[]> Fixtures => DatabaseKinds.All.SelectMany(d => new[] { "memory", "redis" }.Select(s => new object[] { d, s }));

    private TestApp _app = null!;
    private HttpClient _client = null!;
    private TestOrganization _org = null!;

    [SetUp]
    public async Task Start()
    {
        var settings = store == "redis" ? TestRedis.Settings() : [];
        settings["RateLimit:PermitLimit"] = "3";
        settings["RateLimit:WindowSeconds"] = "60";
        _app = new TestApp(database, settings);
        _client = _app.CreateClient();
        _org = await _app.CreateOrganizationAsync();

        // Start at the beginning of a window, so that the test's requests share one.
        var now = _app.Clock.GetUtcNow();
        _app.Clock.Advance(TimeSpan.FromSeconds(60 - (now.ToUnixTimeSeconds() % 60)));
    }

    [TearDown]
    public void Stop()
    {
        _client?.Dispose();
        _app?.Dispose();
    }

    [Test]
    public async Task Every_response_counts_down_and_the_fourth_is_refused()
    {
        var responses = new List<ApiResponse>();
        for (var i = 0; i < 4; i++)
        {
            responses.Add(await _client.GetAsync(_org.RolesPath(), _org.Token));
        }

        Assert.That(responses.Select(r => r.Status), Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        Assert.That(responses.Select(r => r.Header("X-RateLimit-Limit")), Has.All.EqualTo("3"));
        Assert.That(responses.Select(r => r.Header("X-RateLimit-Remaining")), Is.EqualTo(new[] { "2", "1", "0", "0" }));
        Assert.That(responses.Select(r => r.Header("X-RateLimit-Reset")), Has.All.EqualTo("60"));
        var refused = responses[^1];
        Assert.That(refused.Header("Retry-After"), Is.EqualTo("60"));
        Assert.That(refused.Error["code"]!.GetValue<string>(), Is.EqualTo("rate_limited"));
        Snapshot.Match(refused);
    }

    [Test]
    public async Task The_limit_resets_with_the_next_window()
    {
        for (var i = 0; i < 3; i++)
        {
            await _client.GetAsync(_org.RolesPath(), _org.Token);
        }

        _app.Clock.Advance(TimeSpan.FromSeconds(45));
        var stillRefused = await _client.GetAsync(_org.RolesPath(), _org.Token);
        _app.Clock.Advance(TimeSpan.FromSeconds(15));
        var allowed = await _client.GetAsync(_org.RolesPath(), _org.Token);

        Assert.That(stillRefused.Status, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(stillRefused.Header("Retry-After"), Is.EqualTo("15"));
        Assert.That(allowed.Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(allowed.Header("X-RateLimit-Remaining"), Is.EqualTo("2"));
    }

    [Test]
    public async Task Each_token_has_its_own_budget()
    {
        var other = await _app.CreateTokenAsync(_org.Id, "org.read");
        for (var i = 0; i < 3; i++)
        {
            await _client.GetAsync(_org.RolesPath(), _org.Token);
        }

        var exhausted = await _client.GetAsync(_org.RolesPath(), _org.Token);
        var fresh = await _client.GetAsync(_org.RolesPath(), other);

        Assert.That(exhausted.Status, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(fresh.Status, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Anonymous_requests_share_the_client_ip_budget_and_errors_count_too()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await _client.GetAsync(_org.RolesPath(), token: null)).Status);
        }

        var withToken = await _client.GetAsync(_org.RolesPath(), _org.Token);

        Assert.That(statuses, Is.EqualTo(new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests }));
        Assert.That(withToken.Status, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Made_up_tokens_spend_the_client_ip_budget_not_fresh_ones()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await _client.GetAsync(_org.RolesPath(), $"jai_made_up_{i}")).Status);
        }

        Assert.That(statuses, Is.EqualTo(new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests }));
    }

    [Test]
    public async Task Every_spelling_of_one_token_shares_its_budget()
    {
        var statuses = new List<HttpStatusCode>();
        foreach (var scheme in new[] { "Bearer", "bearer", "token", "Token" })
        {
            var response = await _client.SendAsync(HttpMethod.Get, _org.RolesPath(), token: null,
                configure: r => r.Headers.TryAddWithoutValidation("Authorization", $"{scheme} {_org.Token}"));
            statuses.Add(response.Status);
        }

        Assert.That(statuses, Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
    }

    [Test]
    public async Task The_health_check_is_not_limited()
    {
        for (var i = 0; i < 5; i++)
        {
            using var response = await _client.GetAsync(new Uri("/healthz", UriKind.Relative));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Headers.Contains("X-RateLimit-Limit"), Is.False);
        }
    }
}
