using System.IO.Compression;
using JsonApiInvites.Api.Configuration;
using JsonApiInvites.Api.JsonApi;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.Options;

namespace JsonApiInvites.Api.Edge;

/// <summary>
/// What sits between the server and the outside (SPEC §10): forwarded headers from the proxies named in
/// <c>ForwardedHeaders:*</c> (nothing trusted by default, so per-IP rate limits see the real client behind a known
/// proxy only), CORS for the origins of <c>Cors:AllowedOrigins</c> (none by default), and gzip/brotli compression of
/// responses over 1 KiB for clients that accept it.
/// </summary>
public static class EdgeServiceCollectionExtensions
{
    public const string CorsPolicy = "api";

    /// <summary>The response headers a browser client may read: rate limits, versions, deprecation, where a resource went.</summary>
    public static readonly string[] ExposedHeaders =
    [
        "Location", "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
        "api-version-requested", "api-version-served", "api-version-lifecycle-stage", "api-supported-versions", "api-deprecated-versions",
        "Deprecation", "Sunset",
    ];

    /// <summary>Compressing less than this costs more than it saves.</summary>
    public const int MinimumCompressedBytes = 1024;

    public static IServiceCollection AddEdge(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCheckedOptions<ForwardedHeadersSettings>(configuration, ForwardedHeadersSettings.Section)
            .Require(o => o.KnownProxies.FirstOrDefault(p => !ForwardedHeadersSettings.TryParseProxy(p, out _)) is { } bad
                ? $"ForwardedHeaders:KnownProxies must list IP addresses such as 10.0.0.5 (got '{bad}')."
                : null)
            .Require(o => o.KnownNetworks.FirstOrDefault(n => !ForwardedHeadersSettings.TryParseNetwork(n, out _)) is { } bad
                ? $"ForwardedHeaders:KnownNetworks must list networks in CIDR notation such as 10.0.0.0/8 (got '{bad}')."
                : null);
        services.AddCheckedOptions<CorsSettings>(configuration, CorsSettings.Section)
            .Require(o => o.AllowedOrigins.FirstOrDefault(origin => !CorsSettings.IsOrigin(origin)) is { } bad
                ? $"Cors:AllowedOrigins must list origins such as https://app.example.com (scheme, host, port; no path) (got '{bad}')."
                : null);

        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ForwardedHeadersSettings>>((forwarded, settings) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in settings.Value.KnownProxies)
            {
                if (ForwardedHeadersSettings.TryParseProxy(proxy, out var address))
                {
                    forwarded.KnownProxies.Add(address);
                }
            }

            foreach (var text in settings.Value.KnownNetworks)
            {
                if (ForwardedHeadersSettings.TryParseNetwork(text, out var network))
                {
                    forwarded.KnownIPNetworks.Add(network);
                }
            }
        });

        services.AddCors();
        services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>().Configure<IOptions<CorsSettings>>((cors, settings) =>
            cors.AddPolicy(CorsPolicy, policy => policy
                .WithOrigins([.. settings.Value.AllowedOrigins.Select(o => o.TrimEnd('/'))])
                .WithMethods("GET", "HEAD", "POST", "PATCH", "DELETE")
                .WithHeaders("Authorization", "Content-Type", "Accept")
                .WithExposedHeaders(ExposedHeaders)
                .SetPreflightMaxAge(TimeSpan.FromHours(1))));

        services.AddResponseCompression(compression =>
        {
            compression.EnableForHttps = true;
            compression.Providers.Add<BrotliCompressionProvider>();
            compression.Providers.Add<GzipCompressionProvider>();
            compression.MimeTypes = [JsonApiMediaType.Value, "application/json", "text/html", "text/css", "text/javascript", "text/plain"];
        });
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        services.AddSingleton<IResponseCompressionProvider, SizedResponseCompressionProvider>();
        return services;
    }

    /// <summary>
    /// Forwarded headers first (the rate limiter and logs see the real client), then CORS (a preflight is answered
    /// before anything else), then compression. ASP.NET Core believes every sender when no proxy is configured, so the
    /// forwarded-headers middleware runs only when some proxy or network is.
    /// </summary>
    public static IApplicationBuilder UseEdge(this IApplicationBuilder app)
    {
        var forwarded = app.ApplicationServices.GetRequiredService<IOptions<ForwardedHeadersSettings>>().Value;
        if (forwarded.KnownProxies.Length > 0 || forwarded.KnownNetworks.Length > 0)
        {
            app.UseForwardedHeaders();
        }

        return app.UseCors(CorsPolicy).UseResponseCompression();
    }

    /// <summary>Leaves responses under <see cref="MinimumCompressedBytes"/> (when their length is known) uncompressed.</summary>
    private sealed class SizedResponseCompressionProvider(IServiceProvider services, IOptions<ResponseCompressionOptions> options)
        : ResponseCompressionProvider(services, options)
    {
        public override bool ShouldCompressResponse(HttpContext context) =>
            context.Response.ContentLength is not (< MinimumCompressedBytes) && base.ShouldCompressResponse(context);
    }
}
