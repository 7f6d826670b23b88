using System.Globalization;
using System.Threading.RateLimiting;
using JsonApiInvites.Api.JsonApi;
using Microsoft.AspNetCore.RateLimiting;

namespace JsonApiInvites.Api.RateLimiting;

/// <summary><c>RateLimit:PermitLimit</c> requests per <c>RateLimit:WindowSeconds</c> (SPEC §7: 1620 per 60 s).</summary>
public sealed class ApiRateLimitOptions
{
    public int PermitLimit { get; set; } = 1620;

    public int WindowSeconds { get; set; } = 60;
}

/// <summary>
/// A fixed-window limiter whose windows are aligned to the clock (every <c>window</c> seconds since the Unix epoch),
/// so every partition resets at the same, predictable instant that <c>X-RateLimit-Reset</c> reports, and tests can
/// move through windows with the frozen <see cref="TimeProvider"/>.
/// </summary>
public sealed class AlignedWindowRateLimiter(int permitLimit, TimeSpan window, TimeProvider clock) : RateLimiter
{
    private readonly Lock _gate = new();
    private long _windowIndex = -1;
    private int _used;
    private long _lastUsedTicks = clock.GetTimestamp();

    public override TimeSpan? IdleDuration => _used == 0 || CurrentWindow() != _windowIndex ? clock.GetElapsedTime(_lastUsedTicks) : null;

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_gate)
        {
            Roll();
            return new RateLimiterStatistics { CurrentAvailablePermits = permitLimit - _used, CurrentQueuedCount = 0 };
        }
    }

    /// <summary>When the current window ends.</summary>
    public static DateTimeOffset WindowEnd(DateTimeOffset now, TimeSpan window)
    {
        var index = now.ToUnixTimeMilliseconds() / (long)window.TotalMilliseconds;
        return DateTimeOffset.FromUnixTimeMilliseconds((index + 1) * (long)window.TotalMilliseconds);
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        lock (_gate)
        {
            Roll();
            _lastUsedTicks = clock.GetTimestamp();
            if (_used + permitCount > permitLimit)
            {
                return new Lease(false, WindowEnd(clock.GetUtcNow(), window) - clock.GetUtcNow());
            }

            _used += permitCount;
            return new Lease(true, null);
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private long CurrentWindow() => clock.GetUtcNow().ToUnixTimeMilliseconds() / (long)window.TotalMilliseconds;

    private void Roll()
    {
        var current = CurrentWindow();
        if (current != _windowIndex)
        {
            _windowIndex = current;
            _used = 0;
        }
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}

public static class ApiRateLimiting
{
    public const string LimitHeader = "X-RateLimit-Limit";
    public const string RemainingHeader = "X-RateLimit-Remaining";
    public const string ResetHeader = "X-RateLimit-Reset";

    /// <summary>
    /// The partition of a request: its token when it is a valid one (looked up before the limiter, see
    /// <see cref="UseApiRateLimiting"/>), else its client IP. A made-up token spends the IP's budget, and every
    /// spelling of one token (<c>Bearer</c>, <c>bearer</c>, <c>token</c>) shares one budget.
    /// </summary>
    public static string PartitionKey(HttpContext context) =>
        context.Features.Get<Domain.Tokens.ApiToken>() is { } token
            ? "token:" + token.Id.ToString("N")
            : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    public static IServiceCollection AddApiRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ApiRateLimitOptions>(configuration.GetSection("RateLimit"));
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<ApiRateLimitOptions>>().Value;
            if (options.PermitLimit < 1 || options.WindowSeconds < 1)
            {
                throw new InvalidOperationException("RateLimit:PermitLimit and RateLimit:WindowSeconds must be positive.");
            }

            var clock = provider.GetRequiredService<TimeProvider>();
            var window = TimeSpan.FromSeconds(options.WindowSeconds);
            return PartitionedRateLimiter.Create<HttpContext, string>(context =>
                RateLimitPartition.Get(PartitionKey(context), _ => new AlignedWindowRateLimiter(options.PermitLimit, window, clock)));
        });
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IServiceProvider>((options, provider) =>
        {
            options.GlobalLimiter = provider.GetRequiredService<PartitionedRateLimiter<HttpContext>>();
            options.OnRejected = async (rejected, _) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.Zero;
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                var byToken = PartitionKey(rejected.HttpContext).StartsWith("token:", StringComparison.Ordinal);
                await rejected.HttpContext.RequestServices.GetRequiredService<ErrorWriter>().WriteAsync(
                    rejected.HttpContext,
                    new ErrorObject(
                        429,
                        "rate_limited",
                        "Too many requests",
                        $"The rate limit of this {(byToken ? "token" : "client address")} is exceeded; retry in {seconds} seconds.",
                        byToken ? ErrorSource.AtHeader("Authorization") : null),
                    new Dictionary<string, string> { ["Retry-After"] = seconds.ToString(CultureInfo.InvariantCulture) });
            };
        });
        return services;
    }

    private static async Task AfterLookupAsync(ValueTask<Domain.Tokens.ApiToken?> lookup, HttpContext context, RequestDelegate next)
    {
        await lookup;
        await next(context);
    }

    /// <summary>The limiter, then <c>X-RateLimit-*</c> on every response (written before the limiter decides, so a 429 has them too).</summary>
    public static IApplicationBuilder UseApiRateLimiting(this IApplicationBuilder app) =>
        app.UseWhen(context => !context.Request.Path.StartsWithSegments("/healthz", StringComparison.OrdinalIgnoreCase), branch => branch.UseHeadersThenLimiter());

    private static void UseHeadersThenLimiter(this IApplicationBuilder app)
    {
        // Singletons: resolved once when the pipeline is built, not per request.
        var services = app.ApplicationServices;
        var authenticator = services.GetRequiredService<Auth.TokenAuthenticator>();

        // Who is asking decides the budget: look the token up first (cached; shared with the permission check).
        app.Use((context, next) =>
        {
            var lookup = authenticator.FindAsync(context);
            return lookup.IsCompletedSuccessfully ? next(context) : AfterLookupAsync(lookup, context, next);
        });
        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ApiRateLimitOptions>>().Value;
        var limiter = services.GetRequiredService<PartitionedRateLimiter<HttpContext>>();
        var clock = services.GetRequiredService<TimeProvider>();
        var window = TimeSpan.FromSeconds(options.WindowSeconds);
        var limit = options.PermitLimit.ToString(CultureInfo.InvariantCulture);
        app.Use((context, next) =>
        {
            var now = clock.GetUtcNow();
            var reset = AlignedWindowRateLimiter.WindowEnd(now, window) - now;
            context.Response.Headers[LimitHeader] = limit;
            context.Response.Headers[ResetHeader] = ((int)Math.Ceiling(reset.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            context.Response.OnStarting(() =>
            {
                // After this request took its permit: what is left in the window.
                var available = limiter.GetStatistics(context)?.CurrentAvailablePermits ?? 0;
                context.Response.Headers[RemainingHeader] = Math.Max(0, available).ToString(CultureInfo.InvariantCulture);
                return Task.CompletedTask;
            });
            return next(context);
        });
        app.UseRateLimiter();
    }
}
