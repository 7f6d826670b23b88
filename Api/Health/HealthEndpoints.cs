using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace JsonApiInvites.Api.Health;

/// <summary>
/// <c>/healthz/live</c> (the process serves), <c>/healthz/ready</c> (every ASP.NET Core health check tagged
/// <see cref="ReadyTag"/>: the database, and the rate-limit store where one is configured) and <c>/healthz</c>, an
/// alias of ready. Healthy and Degraded answer 200, Unhealthy 503; the body names each check's status. Not
/// versioned, not JSON:API.
/// </summary>
public static class HealthEndpoints
{
    public const string ReadyTag = Persistence.DatabaseHealthCheck.ReadyTag;
    public const string Live = "/healthz/live";
    public const string Ready = "/healthz/ready";
    public const string Alias = "/healthz";

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Alias, (HealthCheckService health, HttpContext context) => CheckAsync(health, context, ready: true));
        endpoints.MapGet(Ready, (HealthCheckService health, HttpContext context) => CheckAsync(health, context, ready: true));
        endpoints.MapGet(Live, (HealthCheckService health, HttpContext context) => CheckAsync(health, context, ready: false));
        return endpoints;
    }

    public static string Name(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };

    private static async Task CheckAsync(HealthCheckService health, HttpContext context, bool ready)
    {
        var report = await health.CheckHealthAsync(check => ready && check.Tags.Contains(ReadyTag), context.RequestAborted);
        context.Response.StatusCode = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        var body = new Dictionary<string, object>
        {
            ["status"] = Name(report.Status),
            ["checks"] = report.Entries.ToDictionary(
                entry => entry.Key,
                entry => entry.Value.Description is { } description
                    ? (object)new { status = Name(entry.Value.Status), description }
                    : new { status = Name(entry.Value.Status) }),
        };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body);
        context.Response.ContentLength = bytes.Length; // known: a few dozen bytes are not worth compressing
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }
}
