using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.RateLimiting;
using JsonApiInvites.Api.Configuration;
using JsonApiInvites.Api.JsonApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace JsonApiInvites.Api.RateLimiting;

/// <summary><c>RateLimit:PermitLimit</c> requests per <c>RateLimit:WindowSeconds</c> (SPEC §7: 1620 per 60 s), counted in <c>RateLimit:Store</c>.</summary>
public sealed class ApiRateLimitOptions
{
    public const string Memory = "memory";
    public const string Redis = "redis";

    public int PermitLimit { get; set; } = 1620;

    public int WindowSeconds { get; set; } = 60;

    /// <summary><c>memory</c> (each server counts its own) or <c>redis</c> (one budget across servers, at <c>ConnectionStrings:Redis</c>).</summary>
    public string Store { get; set; } = Memory;

    /// <summary>Prefix of the Redis keys, so that deployments can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "jsonapi-invites:rl:";
}

/// <summary>
/// A fixed-window limiter whose windows are aligned to the clock (every <c>window</c> seconds since the Unix epoch),
/// so every partition resets at the same, predictable instant that <c>X-RateLimit-Reset</c> reports, and tests can
/// move through windows with the frozen <see cref="TimeProvider"/>. Lock-free: the window and the permits used in it
/// are one 64-bit word, updated by compare-and-swap (every request of a token goes through the same limiter).
/// </summary>
public sealed class AlignedWindowRateLimiter(int permitLimit, TimeSpan window, TimeProvider clock) : RateLimiter
{
    private long _state = Pack(-1, 0);
    private long _lastUsedMilliseconds = clock.GetUtcNow().ToUnixTimeMilliseconds();

    public override TimeSpan? IdleDuration =>
        Used() == 0 ? TimeSpan.FromMilliseconds(clock.GetUtcNow().ToUnixTimeMilliseconds() - Volatile.Read(ref _lastUsedMilliseconds)) : null;

    public override RateLimiterStatistics? GetStatistics() =>
        new() { CurrentAvailablePermits = permitLimit - Used(), CurrentQueuedCount = 0 };

    /// <summary>When the current window ends.</summary>
    public static DateTimeOffset WindowEnd(DateTimeOffset now, TimeSpan window) =>
        DateTimeOffset.FromUnixTimeMilliseconds((WindowIndex(now, window) + 1) * (long)window.TotalMilliseconds);

    /// <summary>Windows since the Unix epoch: fits 32 bits for any window of a second or more.</summary>
    private static long WindowIndex(DateTimeOffset now, TimeSpan window) => now.ToUnixTimeMilliseconds() / (long)window.TotalMilliseconds;

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        var now = clock.GetUtcNow();
        var current = WindowIndex(now, window);
        while (true)
        {
            var state = Volatile.Read(ref _state);
            var used = WindowOf(state) == current ? UsedOf(state) : 0;
            if (used + (long)permitCount > permitLimit)
            {
                return WindowLease.Refused(WindowEnd(now, window) - now);
            }

            if (Interlocked.CompareExchange(ref _state, Pack(current, used + permitCount), state) == state)
            {
                Volatile.Write(ref _lastUsedMilliseconds, now.ToUnixTimeMilliseconds());
                return WindowLease.Acquired;
            }
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    /// <summary>Permits used in the current window (none when the last use was in an earlier one).</summary>
    private int Used()
    {
        var state = Volatile.Read(ref _state);
        return WindowOf(state) == WindowIndex(clock.GetUtcNow(), window) ? UsedOf(state) : 0;
    }

    // The window index (see WindowIndex) and the permits used in it.
    private static long Pack(long windowIndex, int used) => (windowIndex << 32) | (uint)used;

    private static long WindowOf(long state) => state >> 32;

    private static int UsedOf(long state) => (int)(uint)state;
}

/// <summary>A lease of an aligned window: acquired, or refused until the window ends (<c>Retry-After</c>).</summary>
public sealed class WindowLease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
{
    public static readonly RateLimitLease Acquired = new WindowLease(true, null);

    public static RateLimitLease Refused(TimeSpan retryAfter) => new WindowLease(false, retryAfter);

    public override bool IsAcquired => acquired;

    public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = retryAfter;
        return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
    }
}

/// <summary>
/// One <see cref="AlignedWindowRateLimiter"/> per partition (<see cref="ApiRateLimiting.PartitionKey"/>: a token, kept by
/// its id, or a client address), found without
/// a lock (the framework's <c>PartitionedRateLimiter.Create</c> takes one process-wide lock on every acquire and every
/// statistics read) and remembered on the request, which asks twice: to acquire, then for the remaining-permits header.
/// Partitions idle for a whole window are swept, so one-off client addresses do not accumulate.
/// </summary>
public sealed class ApiPartitionedRateLimiter(int permitLimit, TimeSpan window, TimeProvider clock) : PartitionedRateLimiter<HttpContext>
{
    // A token's partition is found by its id (no key string made per request); a client address's by its text.
    private readonly ConcurrentDictionary<Guid, AlignedWindowRateLimiter> _tokens = new();
    private readonly ConcurrentDictionary<string, AlignedWindowRateLimiter> _addresses = new(StringComparer.Ordinal);
    private long _nextSweepMilliseconds = clock.GetUtcNow().ToUnixTimeMilliseconds();

    public int PartitionCount => _tokens.Count + _addresses.Count;

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => Partition(resource).GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount) => Partition(resource).AttemptAcquire(permitCount);

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken) =>
        Partition(resource).AcquireAsync(permitCount, cancellationToken);

    private AlignedWindowRateLimiter Partition(HttpContext context)
    {
        if (context.Features.Get<AlignedWindowRateLimiter>() is { } known)
        {
            return known;
        }

        SweepWhenDue();
        var limiter = ApiRateLimiting.PartitionToken(context) is { } token
            ? Of(_tokens, token.Id)
            : Of(_addresses, ApiRateLimiting.PartitionKey(context));
        context.Features.Set(limiter);
        return limiter;
    }

    private AlignedWindowRateLimiter Of<TKey>(ConcurrentDictionary<TKey, AlignedWindowRateLimiter> partitions, TKey key)
        where TKey : notnull =>
        partitions.TryGetValue(key, out var limiter) ? limiter : partitions.GetOrAdd(key, _ => new AlignedWindowRateLimiter(permitLimit, window, clock));

    private void SweepWhenDue()
    {
        var due = Interlocked.Read(ref _nextSweepMilliseconds);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (now < due || Interlocked.CompareExchange(ref _nextSweepMilliseconds, now + (long)window.TotalMilliseconds, due) != due)
        {
            return;
        }

        Sweep(_tokens);
        Sweep(_addresses);
    }

    private void Sweep<TKey>(ConcurrentDictionary<TKey, AlignedWindowRateLimiter> partitions)
        where TKey : notnull
    {
        foreach (var (key, limiter) in partitions)
        {
            if (limiter.IdleDuration is { } idle && idle >= window)
            {
                partitions.TryRemove(KeyValuePair.Create(key, limiter));
            }
        }
    }
}

/// <summary>A rate-limit setting the server cannot start with; its message names the key and what it may be.</summary>
public sealed class RateLimitConfigurationException(string message) : Exception(message);

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
        PartitionToken(context) is { } token
            ? "token:" + token.Id.ToString("N")
            : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    /// <summary>The token whose budget a request spends, if any (else it spends its address's): see <see cref="PartitionKey"/>.</summary>
    public static Domain.Tokens.ApiToken? PartitionToken(HttpContext context) => context.Features.Get<Domain.Tokens.ApiToken>();

    /// <summary>Builds the limiter of the configured store; null when it can, else one line for the operator.</summary>
    public static string? CheckConfiguration(IServiceProvider services)
    {
        try
        {
            services.GetRequiredService<PartitionedRateLimiter<HttpContext>>();
            return null;
        }
        catch (RateLimitConfigurationException exception)
        {
            return exception.Message;
        }
    }

    public static IServiceCollection AddApiRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCheckedOptions<ApiRateLimitOptions>(configuration, "RateLimit")
            .Range("RateLimit:PermitLimit", o => o.PermitLimit, 1, int.MaxValue, "requests per window")
            .Range("RateLimit:WindowSeconds", o => o.WindowSeconds, 1, 86400, "seconds");
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<ApiRateLimitOptions>>().Value;
            if (options.PermitLimit < 1 || options.WindowSeconds < 1)
            {
                throw new RateLimitConfigurationException("RateLimit:PermitLimit and RateLimit:WindowSeconds must be positive.");
            }

            var clock = provider.GetRequiredService<TimeProvider>();
            var window = TimeSpan.FromSeconds(options.WindowSeconds);
            return new ApiPartitionedRateLimiter(options.PermitLimit, window, clock);
        });
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<ApiRateLimitOptions>>().Value;
            var connectionString = provider.GetRequiredService<IConfiguration>().GetConnectionString("Redis");
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new RateLimitConfigurationException("RateLimit:Store=redis needs ConnectionStrings:Redis (for example 'localhost:6379').");
            }

            return new RedisRateLimitStore(connectionString, options.KeyPrefix, provider.GetRequiredService<ILogger<RedisRateLimitStore>>());
        });
        services.AddSingleton<PartitionedRateLimiter<HttpContext>>(provider =>
        {
            var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<ApiRateLimitOptions>>().Value;
            var local = provider.GetRequiredService<ApiPartitionedRateLimiter>();
            return options.Store.Trim().ToLowerInvariant() switch
            {
                ApiRateLimitOptions.Memory => local,
                ApiRateLimitOptions.Redis => new SharedRateLimiter(
                    provider.GetRequiredService<RedisRateLimitStore>(),
                    local,
                    options.PermitLimit,
                    TimeSpan.FromSeconds(options.WindowSeconds),
                    provider.GetRequiredService<TimeProvider>()),
                _ => throw new RateLimitConfigurationException($"RateLimit:Store '{options.Store}' is not supported; use 'memory' or 'redis'."),
            };
        });
        // Readiness watches Redis only where it is the store (known once configuration is read).
        services.AddHealthChecks();
        services.AddOptions<HealthCheckServiceOptions>().Configure<Microsoft.Extensions.Options.IOptions<ApiRateLimitOptions>>((health, rateLimit) =>
        {
            if (rateLimit.Value.Store.Trim().Equals(ApiRateLimitOptions.Redis, StringComparison.OrdinalIgnoreCase))
            {
                health.Registrations.Add(new HealthCheckRegistration(
                    "rate_limit_store",
                    provider => new RateLimitStoreHealthCheck(provider.GetRequiredService<RedisRateLimitStore>()),
                    failureStatus: HealthStatus.Degraded,
                    tags: [Health.HealthEndpoints.ReadyTag]));
            }
        });
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IServiceProvider>((options, provider) =>
        {
            options.GlobalLimiter = provider.GetRequiredService<PartitionedRateLimiter<HttpContext>>();
            options.OnRejected = async (rejected, _) =>
            {
                Observability.Telemetry.RateLimitRejections.Add(1);
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.Zero;
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                var byToken = PartitionToken(rejected.HttpContext) is not null;
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
        app.UseWhen(context => !Versioning.ApiVersionMiddleware.IsOperational(context.Request.Path), branch => branch.UseHeadersThenLimiter());

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
