using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.Deployment;

/// <summary>SPEC §10, on the real process: JSON logs whose lines carry the trace an incoming traceparent started, and /metrics on a port of its own.</summary>
public sealed class ObservabilityProcessTests
{
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(60);

    [Test]
    public async Task A_traceparent_continues_its_trace_and_the_requests_json_log_lines_carry_its_id()
    {
        const string traceId = "0af7651916cd43dd8448eb211c80319c";
        using var server = await ServerProcess.StartAsync(
            new Dictionary<string, string>
            {
                ["ConnectionStrings__Invites"] = "Data Source=invites.db",
                ["Logging__Console__FormatterName"] = "json",
            },
            ServerProcess.NewFolder(),
            Start);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/invitation?version=2022-11-14");
        request.Headers.Add("traceparent", $"00-{traceId}-b7ad6b7169203331-01");

        using var response = await client.SendAsync(request);
        await Task.Delay(500); // the console logger writes on its own thread

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var lines = (await server.OutputAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonNode.Parse(l)!)
            .Where(l => l["Message"]!.GetValue<string>().Contains("/invitation", StringComparison.Ordinal))
            .ToList();
        Assert.That(lines, Has.Count.GreaterThanOrEqualTo(2), "the error line and the request line");
        foreach (var line in lines)
        {
            Assert.That(line["State"]!["TraceId"]!.GetValue<string>(), Is.EqualTo(traceId), line.ToJsonString());
        }

        Assert.That(lines.Select(l => l["Category"]!.GetValue<string>()), Has.Member("JsonApiInvites.Api.Observability.RequestLogMiddleware"));
    }

    [Test]
    public async Task In_the_shipped_format_a_request_is_one_plain_line_with_its_trace_id()
    {
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var server = await ServerProcess.StartAsync(new Dictionary<string, string> { ["ConnectionStrings__Invites"] = "Data Source=invites.db" }, ServerProcess.NewFolder(), Start);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/invitation?version=2022-11-14&secret=do-not-log");
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");

        using var response = await client.SendAsync(request);
        await Task.Delay(500); // the console logger writes on its own thread

        var output = await server.OutputAsync();
        var lines = output.Split('\n').Where(l => l.StartsWith("info: JsonApiInvites.Api.Observability.RequestLogMiddleware[1] ", StringComparison.Ordinal)).ToList();
        Assert.That(lines, Has.Count.EqualTo(1), output);
        Assert.That(lines[0], Does.Match($@"^info: JsonApiInvites\.Api\.Observability\.RequestLogMiddleware\[1\] GET /invitation 404 \d+\.\d ms error [0-9a-f-]+ trace {traceId}$"));
        Assert.That(output, Does.Not.Contain("do-not-log"));
    }

    [Test]
    public async Task Metrics_on_their_own_port_are_served_there_only()
    {
        using var free = new TcpListener(IPAddress.Loopback, 0);
        free.Start();
        var port = ((IPEndPoint)free.LocalEndpoint).Port;
        free.Stop();
        using var server = await ServerProcess.StartAsync(
            new Dictionary<string, string> { ["ConnectionStrings__Invites"] = "Data Source=invites.db", ["Metrics__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            ServerProcess.NewFolder(),
            Start);
        var output = await server.OutputAsync();
        var api = System.Text.RegularExpressions.Regex.Matches(output, @"Now listening on: (http://[0-9A-Za-z.:\[\]*+-]+)")
            .Select(m => new Uri(m.Groups[1].Value.Replace("*", "127.0.0.1", StringComparison.Ordinal).Replace("+", "127.0.0.1", StringComparison.Ordinal)))
            .First(u => u.Port != port);
        using var client = new HttpClient();

        using var onApiPort = await client.GetAsync(new Uri(api, "/metrics"));
        using var onMetricsPort = await client.GetAsync($"http://127.0.0.1:{port}/metrics");
        using var apiOnApiPort = await client.GetAsync(new Uri(api, "/healthz/live"));

        using var forgedHost = new HttpRequestMessage(HttpMethod.Get, new Uri(api, "/metrics"));
        forgedHost.Headers.Host = $"localhost:{port}";
        using var onApiPortWithTheMetricsHost = await client.SendAsync(forgedHost);
        using var apiOnMetricsPort = await client.GetAsync($"http://127.0.0.1:{port}/openapi/2022-11-14.json");

        Assert.That(onApiPort.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(onApiPortWithTheMetricsHost.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "the port decides, not the Host header");
        Assert.That(apiOnMetricsPort.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "the metrics port serves nothing else");
        Assert.That(onMetricsPort.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await onMetricsPort.Content.ReadAsStringAsync(), Does.Contain("http_server_request_duration_seconds"));
        Assert.That(apiOnApiPort.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
