using System.Net;
using System.Net.Http.Headers;
using JsonApiInvites.Api.Invitees;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.AcceptPage;

/// <summary>How the accept page and its files are served (SPEC §2, §8): outside the versioned JSON:API, cached by nobody, framed by nobody.</summary>
public sealed class AcceptPageServingTests(DatabaseKind database) : SharedAppTests(database)
{
    protected override bool WithOrganization => false;

    private async Task<HttpResponseMessage> Get(string path, Action<HttpRequestMessage>? configure = null, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
        configure?.Invoke(request);
        return await Client.SendAsync(request);
    }

    [Test]
    public async Task The_page_is_HTML_without_a_version_and_keeps_its_URL_out_of_caches_and_referrers()
    {
        using var response = await Get("/accept?token=jai_invite_whatever", r => r.Headers.Accept.ParseAdd("text/html"));
        var html = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.ToString(), Is.EqualTo("text/html; charset=utf-8"));
        Assert.That(response.Headers.CacheControl?.NoStore, Is.True);
        Assert.That(response.Headers.GetValues("Referrer-Policy"), Is.EqualTo(new[] { "no-referrer" }));
        Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain("default-src 'none'").And.Contain("script-src 'self'").And.Contain("frame-ancestors 'none'"));
        Assert.That(response.Headers.GetValues("X-Content-Type-Options"), Is.EqualTo(new[] { "nosniff" }));
        Assert.That(response.Headers.Contains("api-version-served"), Is.False, "not versioned");
        Assert.That(response.Headers.Contains("X-RateLimit-Limit"), Is.False, "a static page is not rate limited (the API it calls is)");
        Assert.That(html, Does.Contain("<html lang=\"en\">").And.Contain("\"/accept/accept.js\"").And.Contain("\"/accept/accept.css\""));
        Assert.That(html, Does.Not.Contain("jai_invite_whatever"), "the page never echoes the token");
        Assert.That(html, Does.Not.Match("(src|href)=\"(https?:)?//"), "nothing from elsewhere");
    }

    [TestCase("/accept/accept.js", "text/javascript; charset=utf-8")]
    [TestCase("/accept/accept.css", "text/css; charset=utf-8")]
    public async Task Its_files_are_served_with_an_ETag_that_revalidates(string path, string contentType)
    {
        using var first = await Get(path);
        var etag = first.Headers.ETag!.Tag;
        using var again = await Get(path, r => r.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(etag)));
        using var head = await Get(path, method: HttpMethod.Head);

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(first.Content.Headers.ContentType?.ToString(), Is.EqualTo(contentType));
        Assert.That((await first.Content.ReadAsByteArrayAsync()).Length, Is.GreaterThan(500));
        Assert.That(first.Headers.CacheControl?.NoCache, Is.True);
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        Assert.That(head.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await head.Content.ReadAsByteArrayAsync(), Is.Empty);
    }

    [Test]
    public async Task The_script_calls_only_the_invitee_routes_of_2026_11_25_with_the_invitation_credential()
    {
        using var response = await Get("/accept/accept.js");
        var script = await response.Content.ReadAsStringAsync();

        Assert.That(script, Does.Contain("var VERSION = '2026-11-25';").And.Contain("'Invitation ' + token"));
        Assert.That(script, Does.Contain("request('GET', 'invitation?include=role,organization')").And.Contain("request('POST', 'memberships'"));
        Assert.That(script, Does.Contain("fetch('/' + path"), "absolute paths: the page works at /accept/ too");
        Assert.That(script, Does.Contain("history.replaceState"), "the token leaves the address bar");
    }

    [Test]
    public async Task An_unknown_file_under_the_page_is_a_JSON_API_404()
    {
        var response = await Client.SendAsync(HttpMethod.Get, "/accept/nothing.js", null);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Error["code"]!.GetValue<string>(), Is.EqualTo("not_found"));
    }

    [TestCase("http://localhost:5080", "http://localhost:5080/accept")]
    [TestCase("http://+:5080", "http://localhost:5080/accept")]
    [TestCase("http://*:8080/", "http://localhost:8080/accept")]
    [TestCase("http://0.0.0.0:80", "http://localhost:80/accept")]
    [TestCase("http://[::]:5080", "http://localhost:5080/accept")]
    [TestCase("https://invites.example.com", "https://invites.example.com/accept")]
    [TestCase("http://127.0.0.1:41234", "http://127.0.0.1:41234/accept")]
    public void The_default_link_is_the_page_on_the_servers_own_address(string listening, string page) =>
        Assert.That(AcceptPageUrl.OwnUrl(listening) + AcceptPageEndpoints.Path, Is.EqualTo(page));
}
