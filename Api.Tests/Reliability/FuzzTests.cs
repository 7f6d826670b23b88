using System.Net;
using System.Text;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.Reliability;

/// <summary>
/// Thousands of mutated requests (bodies, query strings, headers, paths, methods) made from valid ones by a seeded
/// mutator, through the real pipeline: never a 5xx, every error a JSON:API error document, every JSON:API answer a
/// valid document, and a valid create still works afterwards. <c>INVITES_FUZZ_REQUESTS</c> (default 2,500 per
/// database) and <c>INVITES_FUZZ_SEED</c> make longer or other runs; a failure names its seed and request.
/// </summary>
public sealed class FuzzTests(DatabaseKind database) : SharedAppTests(database)
{
    private static readonly int Requests = int.TryParse(Environment.GetEnvironmentVariable("INVITES_FUZZ_REQUESTS"), out var n) ? n : 2500;
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("INVITES_FUZZ_SEED"), out var s) ? s : 20261129;

    private static readonly string[] Versions = ["2021-06-04", "2022-11-14", "2024-10-15~beta", "2026-11-25", "beta", "2026-11-25~wip", "2099-01-01", "2020-02-30", ""];
    private static readonly string[] Methods = ["GET", "POST", "PATCH", "DELETE", "PUT", "HEAD", "OPTIONS"];
    private static readonly string[] Oddities =
    [
        "\\ud800", "\\udc00", "\\u0000", "\u00e9", "\U0001F600", "\u200b", "%00", "%ff", "%C3%28", "../", "..%2F", "~", "[", "]", "{", "}", "\"", "'", "\\",
        "null", "true", "1e999", "-0", "[]", "{}", new string('a', 3000), "@", "*", "%", "&", "=", "?", "#", ";", ",", " ", "\t",
    ];

    private string _accept = null!;
    private Guid _invitation;
    private Guid _member;

    protected override async Task OnStartedAsync()
    {
        App.Clock.StartOn(new DateOnly(2026, 11, 25));
        _member = await Client.JoinAsync(Org, "member@example.com");
        _invitation = await Client.CreateInvitationAsync(Org, "ada@example.com");
        _accept = await InviteeClient.AcceptTokenAsync(App, _invitation);
    }

    private sealed record Seedling(string Method, string Path, string Query, string? Body, string? Authorization);

    private IEnumerable<Seedling> Seedlings()
    {
        var org = $"/orgs/{Org.Id}";
        var invite = $"{org}/invites/{_invitation}";
        var member = $"{org}/memberships/{_member}";
        var bearer = "Bearer " + Org.Token;
        var role = Org.Roles["viewer"];
        string Fill(string json) => json
            .Replace("ROLE", role.ToString(), StringComparison.Ordinal)
            .Replace("COLLABORATOR", Org.Roles["collaborator"].ToString(), StringComparison.Ordinal)
            .Replace("INVITE", _invitation.ToString(), StringComparison.Ordinal)
            .Replace("MEMBER", _member.ToString(), StringComparison.Ordinal);
        var create = Fill("""{"data":{"type":"site_invitation","attributes":{"email":"x@example.com","send_email":false},"relationships":{"role":{"data":{"type":"role","id":"ROLE"}}}}}""");
        yield return new("POST", $"{org}/invites", "version=2026-11-25&include=role", create, bearer);
        yield return new("POST", $"{org}/invites", "version=2021-06-04", create.Replace(",\"send_email\":false", "", StringComparison.Ordinal), bearer);
        yield return new("PATCH", invite, "version=2026-11-25", Fill("""{"data":{"type":"site_invitation","id":"INVITE","relationships":{"role":{"data":{"type":"role","id":"ROLE"}}}}}"""), bearer);
        yield return new("PATCH", invite + "/relationships/role", "version=2024-10-15~beta", Fill("""{"data":{"type":"role","id":"ROLE"}}"""), bearer);
        yield return new("POST", invite + "/resend", "version=2026-11-25", null, bearer);
        yield return new("GET", $"{org}/invites", "version=2026-11-25&include=role&filter[status]=pending,expired&filter[email]=ada@example.com&fields[site_invitation]=email,role&limit=20", null, bearer);
        yield return new("GET", $"{org}/invites", "version=2022-11-14&starting_after=00000000-0000-0000-0000-000000000000", null, bearer);
        yield return new("GET", invite, "version=2026-11-25&include=role&fields[role]=name", null, bearer);
        yield return new("GET", invite + "/membership", "version=2026-11-25", null, bearer);
        yield return new("DELETE", $"{org}/invites/{Guid.NewGuid()}", "version=2022-11-14", null, bearer);
        yield return new("GET", $"{org}/memberships", "version=2026-11-25&include=role&filter[role]=" + role, null, bearer);
        yield return new("PATCH", member, "version=2026-11-25", Fill("""{"data":{"type":"membership","id":"MEMBER","relationships":{"role":{"data":{"type":"role","id":"COLLABORATOR"}}}}}"""), bearer);
        yield return new("GET", member + "/relationships/invitation", "version=2026-11-25", null, bearer);
        yield return new("GET", $"{org}/roles", "version=2022-11-14&fields[role]=key", null, bearer);
        yield return new("GET", org, "version=2022-11-14", null, bearer);
        yield return new("GET", "/invitation", "version=2026-11-25&include=role,organization", null, "Invitation " + _accept);
        yield return new("POST", "/memberships", "version=2026-11-25", """{"data":{"type":"membership"}}""", "Invitation " + _accept);
        yield return new("GET", "/openapi/2026-11-25.json", "", null, null);
        yield return new("GET", "/healthz/ready", "", null, null);
        yield return new("GET", "/accept", "token=" + _accept, null, null);
    }

    [Test]
    public async Task Mutated_requests_never_get_a_5xx_and_every_error_is_a_JSON_API_document()
    {
        var random = new Random(Seed + (Database == DatabaseKind.Postgres ? 1 : 0));
        var seedlings = Seedlings().ToArray();
        var sent = 0;
        var statuses = new Dictionary<int, int>();
        for (var i = 0; i < Requests; i++)
        {
            var request = Mutate(seedlings[random.Next(seedlings.Length)], random);
            using var message = Build(request);
            if (message is null)
            {
                continue; // not even sendable over HTTP (the client refuses it)
            }

            HttpResponseMessage response;
            try
            {
                response = await Client.SendAsync(message);
            }
            catch (Exception exception) when (exception is HttpRequestException or InvalidOperationException or FormatException)
            {
                continue; // refused by the HTTP client itself
            }

            using (response)
            {
                sent++;
                var status = (int)response.StatusCode;
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                var body = await response.Content.ReadAsStringAsync();
                var what = $"seed {Seed}, request {i}: {request.Method} {request.Path}?{request.Query} [{request.Authorization}] {request.Body}\n→ {status} {body}";
                Assert.That(status, Is.LessThan(500), what);
                var jsonApi = response.Content.Headers.ContentType?.MediaType == JsonApiClient.MediaType;
                if (status >= 400 && request.Method != "HEAD")
                {
                    Assert.That(jsonApi, Is.True, "an error is a JSON:API document: " + what);
                }

                if (jsonApi && body.Length > 0)
                {
                    var problems = JsonApiRules.Check(status, body);
                    Assert.That(problems, Is.Empty, what);
                }
            }
        }

        TestContext.Out.WriteLine($"{sent} mutated requests sent: " + string.Join(", ", statuses.OrderBy(p => p.Key).Select(p => $"{p.Key}×{p.Value}")));
        Assert.That(sent, Is.GreaterThan(Requests * 9 / 10), "most mutations are sendable");
        Assert.That(statuses.Keys.Where(k => k < 300), Is.Not.Empty, "some mutations stay valid (the mutator does not only break things)");

        var create = await Client.PostAsync(Org.Invites(), Org.Token, JsonApiClient.NewInvitation("after-the-fuzz@example.com", Org.Roles["viewer"]));
        Assert.That(create.Status, Is.EqualTo(HttpStatusCode.Created), "the server still serves a valid create");
    }

    private static HttpRequestMessage? Build(Seedling request)
    {
        var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Path + (request.Query.Length > 0 ? "?" + request.Query : ""));
        if (request.Authorization is not null && !message.Headers.TryAddWithoutValidation("Authorization", request.Authorization))
        {
            message.Dispose();
            return null;
        }

        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(Latin1OrUtf8(request.Body));
            message.Content.Headers.TryAddWithoutValidation("Content-Type", JsonApiClient.MediaType);
        }

        return message;
    }

    /// <summary>Bodies carry raw bytes as U+0080–U+00FF marked by a leading U+0001 (so invalid UTF-8 can be sent); otherwise UTF-8.</summary>
    private static byte[] Latin1OrUtf8(string body) =>
        body.StartsWith('\u0001') ? Encoding.Latin1.GetBytes(body[1..]) : Encoding.UTF8.GetBytes(body);

    private Seedling Mutate(Seedling request, Random random)
    {
        var mutations = random.Next(1, 4);
        for (var m = 0; m < mutations; m++)
        {
            request = random.Next(9) switch
            {
                0 or 1 or 2 => request with { Body = MutateText(request.Body ?? "{}", random, json: true) },
                3 or 4 => request with { Query = MutateQuery(request.Query, random) },
                5 => request with { Path = MutatePath(request.Path, random) },
                6 => request with { Method = Methods[random.Next(Methods.Length)] },
                7 => request with { Authorization = MutateAuthorization(request.Authorization, random) },
                _ => request with { Body = MutateBytes(request.Body ?? "{}", random) },
            };
        }

        return request;
    }

    private static string MutateText(string text, Random random, bool json)
    {
        var at = random.Next(text.Length + 1);
        return random.Next(7) switch
        {
            0 => text.Remove(at, Math.Min(random.Next(1, 8), text.Length - at)),
            1 => text.Insert(at, Oddities[random.Next(Oddities.Length)]),
            2 => text[..at],
            3 => json ? Nest(text, random.Next(1, 80)) : text + text,
            4 => text.Insert(at, text[at..Math.Min(text.Length, at + random.Next(1, 40))]),
            5 => ReplaceString(text, random),
            _ => text.Insert(at, ((char)random.Next(0x20, 0x7f)).ToString()),
        };
    }

    private static string Nest(string text, int depth) => new string('[', depth) + text + new string(']', depth);

    /// <summary>Replaces one JSON string's content (a value, a member name, a type or an id) with something odd.</summary>
    private static string ReplaceString(string text, Random random)
    {
        var quotes = Enumerable.Range(0, text.Length).Where(i => text[i] == '"').ToList();
        if (quotes.Count < 2)
        {
            return text;
        }

        var pair = random.Next(quotes.Count / 2) * 2;
        var (start, end) = (quotes[pair], quotes[pair + 1]);
        var odd = random.Next(3) switch
        {
            0 => Oddities[random.Next(Oddities.Length)],
            1 => new string((char)random.Next(0x20, 0x7f), random.Next(0, 300)),
            _ => Guid.NewGuid().ToString(),
        };
        return text[..(start + 1)] + odd.Replace("\"", "\\\"", StringComparison.Ordinal) + text[end..];
    }

    /// <summary>Raw bytes: a byte flipped or an invalid UTF-8 sequence put in.</summary>
    private static string MutateBytes(string text, Random random)
    {
        var bytes = Encoding.UTF8.GetBytes(text.TrimStart('\u0001')).ToList();
        var at = random.Next(bytes.Count + 1);
        if (random.Next(2) == 0 && bytes.Count > 0)
        {
            bytes[Math.Min(at, bytes.Count - 1)] ^= (byte)(1 << random.Next(8));
        }
        else
        {
            bytes.InsertRange(at, random.Next(4) switch
            {
                0 => [0xC3, 0x28],
                1 => [0xFF],
                2 => [0xED, 0xA0, 0x80],
                _ => [0xF0, 0x9F, 0x98],
            });
        }

        return "\u0001" + Encoding.Latin1.GetString([.. bytes]);
    }

    private static string MutateQuery(string query, Random random)
    {
        var parts = query.Split('&', StringSplitOptions.RemoveEmptyEntries).ToList();
        switch (random.Next(6))
        {
            case 0 when parts.Count > 0:
                parts.RemoveAt(random.Next(parts.Count));
                break;
            case 1 when parts.Count > 0:
                parts.Add(parts[random.Next(parts.Count)]);
                break;
            case 2:
                parts.Add("version=" + Uri.EscapeDataString(Versions[random.Next(Versions.Length)]));
                break;
            case 3:
                var name = random.Next(4) switch
                {
                    0 => "include",
                    1 => "fields[" + Oddities[random.Next(Oddities.Length)] + "]",
                    2 => "filter[" + (random.Next(2) == 0 ? "status" : "email") + "]",
                    _ => random.Next(2) == 0 ? "limit" : "starting_after",
                };
                parts.Add(Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(Oddities[random.Next(Oddities.Length)]));
                break;
            case 4 when parts.Count > 0:
                var i = random.Next(parts.Count);
                parts[i] = MutateText(parts[i], random, json: false);
                break;
            default:
                parts.Add(Oddities[random.Next(Oddities.Length)] + "=" + Oddities[random.Next(Oddities.Length)]);
                break;
        }

        return string.Join('&', parts);
    }

    private static string MutatePath(string path, Random random)
    {
        var segments = path.Split('/').ToList();
        var at = random.Next(1, Math.Max(2, segments.Count));
        switch (random.Next(4))
        {
            case 0 when at < segments.Count:
                segments[at] = Uri.EscapeDataString(Oddities[random.Next(Oddities.Length)]);
                break;
            case 1:
                segments.Insert(Math.Min(at, segments.Count), random.Next(2) == 0 ? "relationships" : Guid.NewGuid().ToString());
                break;
            case 2 when at < segments.Count:
                segments.RemoveAt(at);
                break;
            default:
                segments[^1] += Oddities[random.Next(Oddities.Length)] switch { var o when o.Contains('?') || o.Contains('#') => "x", var o => Uri.EscapeDataString(o) };
                break;
        }

        return string.Join('/', segments) is { Length: > 0 } joined && joined.StartsWith('/') ? joined : "/" + string.Join('/', segments);
    }

    private string? MutateAuthorization(string? authorization, Random random) => random.Next(6) switch
    {
        0 => null,
        1 => "Bearer " + Guid.NewGuid().ToString("N"),
        2 => "Invitation " + (random.Next(2) == 0 ? Org.Token : "jai_invite_" + Guid.NewGuid().ToString("N")),
        3 => "Bearer " + _accept,
        4 => MutateText(authorization ?? "Bearer x", random, json: false),
        _ => "token " + Org.Token,
    };
}
