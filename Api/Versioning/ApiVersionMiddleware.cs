using System.Globalization;
using JsonApiInvites.Api.JsonApi;

namespace JsonApiInvites.Api.Versioning;

/// <summary>
/// Validates and resolves <c>?version=</c> before routing (SPEC §3), so that Asp.Versioning selects actions by the
/// served version, and adds the <c>api-version-*</c>, <c>Deprecation</c> and <c>Sunset</c> headers.
/// </summary>
public sealed class ApiVersionMiddleware(RequestDelegate next, DeclaredVersions versions, VersionedOperations operations, TimeProvider clock)
{
    public const string QueryParameter = "version";

    /// <summary>Routes outside the versioned API: the <see cref="IsOperational"/> ones and the OpenAPI documents.</summary>
    public static bool IsVersioned(PathString path) =>
        !IsOperational(path) && !path.StartsWithSegments("/openapi", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Operations endpoints (health, metrics) and pages (the accept page, the API reference): neither versioned nor
    /// rate-limited.
    /// </summary>
    public static bool IsOperational(PathString path) =>
        path.StartsWithSegments("/healthz", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments(Observability.ObservabilityExtensions.MetricsPath, StringComparison.OrdinalIgnoreCase)
        || Invitees.AcceptPageEndpoints.Owns(path)
        || Docs.DocsEndpoints.Owns(path);

    public async Task InvokeAsync(HttpContext context)
    {
        if (!IsVersioned(context.Request.Path))
        {
            await next(context);
            return;
        }

        var resolved = ResolveCached(context.Request.Query[QueryParameter]);
        context.Features.Set(resolved.Version);

        // Asp.Versioning would otherwise read (ResolvedApiVersionReader) and parse the served version again per request.
        var feature = context.ApiVersioningFeature;
        feature.RawRequestedApiVersions = resolved.Served;
        feature.RequestedApiVersion = resolved.ServedVersion;
        foreach (var (name, value) in resolved.Headers)
        {
            context.Response.Headers[name] = value;
        }

        await next(context);

        // Routing found no action at the served version (a bare 404): if the operation exists from a later version,
        // say which, rather than pretending the path does not exist.
        if (context.Response is { HasStarted: false, StatusCode: StatusCodes.Status404NotFound, ContentType: null }
            && operations.FirstVersionOf(context.Request.Method, context.Request.Path) is { } first
            && first > resolved.Version.Served)
        {
            throw new JsonApiException(Errors.VersionNotFound(resolved.Version.Requested, first));
        }
    }

    private sealed record Resolved(ApiVersionContext Version, KeyValuePair<string, string>[] Headers)
    {
        public string[] Served { get; } = [Version.Served.ToString()];

        public Asp.Versioning.ApiVersion ServedVersion { get; } = DatedApiVersionParser.ToApiVersion(Version.Served);
    }

    // Clients send the same few version strings all day: resolve each once per UTC day (errors are not cached).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, int), Resolved> _cache = new();

    private Resolved ResolveCached(Microsoft.Extensions.Primitives.StringValues values)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).DayNumber;
        if (values.Count == 1 && _cache.TryGetValue((values[0]!, today), out var cached))
        {
            return cached;
        }

        var version = Resolve(values, versions, clock);
        var headers = new HeaderDictionary();
        WriteHeaders(headers, version);
        var resolved = new Resolved(version, [.. headers.Select(h => KeyValuePair.Create(h.Key, h.Value.ToString()))]);
        if (_cache.Count > 1000)
        {
            _cache.Clear();
        }

        _cache[(values[0]!, today)] = resolved;
        return resolved;
    }

    public static ApiVersionContext Resolve(Microsoft.Extensions.Primitives.StringValues values, DeclaredVersions versions, TimeProvider clock)
    {
        if (values.Count == 0)
        {
            throw new JsonApiException(Errors.MissingVersion());
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (values.Count > 1 || !ApiVersionName.TryParse(values[0], today, out var requested))
        {
            throw new JsonApiException(Errors.InvalidVersion(values.ToString()));
        }

        // "Today" anywhere on Earth is at most one day after today in UTC.
        if (requested.Date > today.AddDays(1))
        {
            throw new JsonApiException(Errors.VersionInFuture(requested));
        }

        var served = versions.Resolve(requested) ?? throw new JsonApiException(Errors.VersionNotFound(requested, versions.First));
        return new ApiVersionContext(requested, served, versions.LifecycleOf(served, today));
    }

    private static void WriteHeaders(HeaderDictionary headers, ApiVersionContext version)
    {
        headers["api-version-requested"] = version.Requested.ToString();
        headers["api-version-served"] = version.Served.ToString();
        headers["api-version-lifecycle-stage"] = version.Lifecycle.Stage;
        if (version.Lifecycle is { DeprecatedSince: { } deprecated, SunsetOn: { } sunset })
        {
            headers["Deprecation"] = "@" + new DateTimeOffset(deprecated.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            headers["Sunset"] = sunset.ToDateTime(TimeOnly.MinValue).ToString("R", CultureInfo.InvariantCulture);
        }
    }
}
