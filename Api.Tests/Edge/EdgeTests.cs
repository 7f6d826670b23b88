using System.IO.Compression;
using System.Net;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.Edge;

/// <summary>SPEC §10: CORS for configured origins only, compression of responses over 1 KiB, forwarded headers from known proxies only.</summary>
public sealed class EdgeTests(DatabaseKind database) : EveryDatabaseTests(database)
{
    private const string Origin = "https://app.example.com";

    private static async Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string url, Action<HttpRequestMessage> configure)
    {
        using var request = new HttpRequestMessage(method, url);
        configure(request);
        return await client.SendAsync(request);
    }

    [Test]
    public async Task An_allowed_origin_gets_its_preflight_answered_and_may_read_the_rate_limit_and_version_headers()
    {
        var (_, client, org) = await StartWithOrganizationAsync(new Dictionary<string, string?> { ["Cors:AllowedOrigins:0"] = Origin });

        using var preflight = await Send(client, HttpMethod.Options, org.Invites("2022-11-14"), r =>
        {
            r.Headers.Add("Origin", Origin);
            r.Headers.Add("Access-Control-Request-Method", "POST");
            r.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        });
        using var get = await Send(client, HttpMethod.Get, org.Invites("2022-11-14"), r =>
        {
            r.Headers.Add("Origin", Origin);
            r.Headers.Authorization = new("Bearer", org.Token);
        });

        Assert.That(preflight.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(preflight.Headers.GetValues("Access-Control-Allow-Origin"), Is.EqualTo(new[] { Origin }));
        Assert.That(string.Join(",", preflight.Headers.GetValues("Access-Control-Allow-Methods")), Does.Contain("POST"));
        Assert.That(string.Join(",", preflight.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant(), Does.Contain("authorization").And.Contain("content-type"));
        Assert.That(get.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(get.Headers.GetValues("Access-Control-Allow-Origin"), Is.EqualTo(new[] { Origin }));
        var exposed = string.Join(",", get.Headers.GetValues("Access-Control-Expose-Headers"));
        Assert.That(exposed, Does.Contain("X-RateLimit-Remaining").And.Contain("api-version-served").And.Contain("Location").And.Contain("Retry-After"));
    }

    [TestCase(null, TestName = "No origin is allowed by default")]
    [TestCase("https://other.example.com", TestName = "Another origin is not allowed")]
    public async Task An_origin_not_allowed_gets_no_CORS_headers(string? allowed)
    {
        var (_, client, org) = await StartWithOrganizationAsync(allowed is null ? null : new Dictionary<string, string?> { ["Cors:AllowedOrigins:0"] = allowed });

        using var preflight = await Send(client, HttpMethod.Options, org.Invites("2022-11-14"), r =>
        {
            r.Headers.Add("Origin", Origin);
            r.Headers.Add("Access-Control-Request-Method", "POST");
        });
        using var get = await Send(client, HttpMethod.Get, org.Invites("2022-11-14"), r =>
        {
            r.Headers.Add("Origin", Origin);
            r.Headers.Authorization = new("Bearer", org.Token);
        });

        Assert.That(preflight.Headers.Contains("Access-Control-Allow-Origin"), Is.False);
        Assert.That(get.Headers.Contains("Access-Control-Allow-Origin"), Is.False);
        Assert.That(get.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the server answers; the browser withholds it");
    }

    [TestCase("br")]
    [TestCase("gzip")]
    public async Task Responses_over_1_KiB_are_compressed_for_clients_that_accept_it(string encoding)
    {
        var (_, client, org) = await StartWithOrganizationAsync();
        for (var i = 0; i < 10; i++)
        {
            await client.CreateInvitationAsync(org, $"person{i}@example.com");
        }

        using var list = await Send(client, HttpMethod.Get, org.Invites("2022-11-14", "&include=role"), r =>
        {
            r.Headers.Authorization = new("Bearer", org.Token);
            r.Headers.AcceptEncoding.ParseAdd(encoding);
        });
        using var small = await Send(client, HttpMethod.Get, "/healthz/live", r => r.Headers.AcceptEncoding.ParseAdd(encoding));
        using var plain = await Send(client, HttpMethod.Get, org.Invites("2022-11-14", "&include=role"), r => r.Headers.Authorization = new("Bearer", org.Token));

        Assert.That(list.Content.Headers.ContentEncoding, Is.EqualTo(new[] { encoding }));
        await using var compressed = await list.Content.ReadAsStreamAsync();
        await using Stream decompressed = encoding == "br" ? new BrotliStream(compressed, CompressionMode.Decompress) : new GZipStream(compressed, CompressionMode.Decompress);
        var body = await new StreamReader(decompressed).ReadToEndAsync();
        Assert.That(body, Is.EqualTo(await plain.Content.ReadAsStringAsync()), "the same document");
        Assert.That(body.Length, Is.GreaterThan(1024));
        Assert.That(plain.Content.Headers.ContentEncoding, Is.Empty, "only for clients that ask");
        Assert.That(small.Content.Headers.ContentEncoding, Is.Empty, "not worth it under 1 KiB");
    }

    [TestCase(true, TestName = "Behind a known proxy each client has its own budget")]
    [TestCase(false, TestName = "Forwarded headers from an unknown proxy are ignored")]
    public async Task Per_client_rate_limits_see_the_client_behind_a_known_proxy_only(bool known)
    {
        var settings = new Dictionary<string, string?> { ["RateLimit:PermitLimit"] = "2" };
        if (known)
        {
            settings["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1";
        }

        var app = Track(new TestApp(Database, settings));
        var server = app.StartListening(); // real TCP: the "proxy" is this test, at 127.0.0.1
        using var client = new HttpClient { BaseAddress = server };
        async Task<HttpStatusCode> From(string address)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/2022-11-14.json");
            request.Headers.Add("X-Forwarded-For", address);
            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }

        var first = new[] { await From("203.0.113.1"), await From("203.0.113.1"), await From("203.0.113.1") };
        var other = await From("203.0.113.2");

        Assert.That(first, Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        Assert.That(other, Is.EqualTo(known ? HttpStatusCode.OK : HttpStatusCode.TooManyRequests));
    }
}
