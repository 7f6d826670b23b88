using System.Threading.RateLimiting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace JsonApiInvites.Api.RateLimiting;

/// <summary>
/// The budgets of <c>RateLimit:Store=redis</c>: one counter per partition and window in Redis, shared by every server
/// (SPEC §9). Windows are aligned to the clock as in memory, so every server agrees on when one ends as long as their
/// clocks agree. Redis that does not answer within <see cref="Timeout"/> never fails a request: the caller counts it
/// in the server's own memory meanwhile, the first failure is logged as a warning (and recovery as information),
/// and readiness reports <c>Degraded</c>.
/// </summary>
public sealed class RedisRateLimitStore : IDisposable
{
    /// <summary>How long a request waits for Redis before it is counted locally instead.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(250);

    // One round trip: count the request, and let the counter expire with its window (relative to now, so that Redis's
    // own clock does not matter).
    private const string Script =
        """
        local n = redis.call('INCR', KEYS[1])
        if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return n
        """;

    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(5);
    private readonly ConfigurationOptions _options;
    private readonly string _keyPrefix;
    private Task<ConnectionMultiplexer> _connecting;
    private long _lastConnectTicks;
    private readonly ILogger _logger;
    private int _failing;

    public RedisRateLimitStore(string connectionString, string keyPrefix, ILogger<RedisRateLimitStore> logger)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(connectionString);
        }
        catch (ArgumentException exception)
        {
            throw new RateLimitConfigurationException($"ConnectionStrings:Redis is not a valid Redis configuration: {exception.Message}");
        }

        if (options.EndPoints.Count == 0)
        {
            throw new RateLimitConfigurationException("ConnectionStrings:Redis names no Redis server (for example 'localhost:6379').");
        }

        // Start without Redis rather than not at all; the client keeps reconnecting in the background.
        options.AbortOnConnectFail = false;
        Endpoints = string.Join(", ", options.EndPoints.Select(e => e.ToString()));
        _keyPrefix = keyPrefix;
        _logger = logger;
        _options = options;
        _lastConnectTicks = Environment.TickCount64;
        _connecting = ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>The Redis servers, for messages (never the password).</summary>
    public string Endpoints { get; }

    /// <summary>False since a request last found Redis unreachable, until one finds it answering again.</summary>
    public bool IsAnswering => Volatile.Read(ref _failing) == 0;

    /// <summary>
    /// Counts one request of <paramref name="partition"/> in window <paramref name="windowIndex"/>, which ends in
    /// <paramref name="remaining"/>; returns the count so far, or null when Redis did not answer.
    /// </summary>
    public async ValueTask<long?> IncrementAsync(string partition, long windowIndex, TimeSpan remaining, CancellationToken cancellationToken)
    {
        try
        {
            // The first requests after start wait (briefly) for the first connection.
            var connecting = Connecting();
            var connection = connecting.IsCompletedSuccessfully ? connecting.Result : await connecting.WaitAsync(Timeout, cancellationToken);
            if (!connection.IsConnected)
            {
                Failed("not connected");
                return null;
            }

            var key = new RedisKey(string.Concat(_keyPrefix, partition, ":", windowIndex.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            var result = await connection.GetDatabase()
                .ScriptEvaluateAsync(Script, [key], [(long)Math.Ceiling(remaining.TotalMilliseconds) + 1_000])
                .WaitAsync(Timeout, cancellationToken);
            Answered();
            return (long)result;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Whatever goes wrong with Redis, the request is counted locally: never a failed request.
            Failed(exception.Message);
            return null;
        }
    }

    /// <summary>The connection under way; a first connection that failed for good (a configuration the client gives up on) is tried again now and then.</summary>
    private Task<ConnectionMultiplexer> Connecting()
    {
        var current = Volatile.Read(ref _connecting);
        var last = Interlocked.Read(ref _lastConnectTicks);
        if (current.IsFaulted && Environment.TickCount64 - last >= Reconnect.TotalMilliseconds
            && Interlocked.CompareExchange(ref _lastConnectTicks, Environment.TickCount64, last) == last)
        {
            var next = ConnectionMultiplexer.ConnectAsync(_options);
            Interlocked.CompareExchange(ref _connecting, next, current);
        }

        return Volatile.Read(ref _connecting);
    }

    /// <summary>Asks Redis for a PING, for readiness.</summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            var connecting = Connecting();
            if (!connecting.IsCompletedSuccessfully || !connecting.Result.IsConnected)
            {
                return false;
            }

            await connecting.Result.GetDatabase().PingAsync().WaitAsync(Timeout, cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Dispose()
    {
        var connecting = Volatile.Read(ref _connecting);
        if (connecting.IsCompletedSuccessfully)
        {
            connecting.Result.Dispose();
        }
        else
        {
            connecting.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }
    }

    private void Failed(string reason)
    {
        if (Interlocked.Exchange(ref _failing, 1) == 0)
        {
            _logger.LogWarning("Redis at {Endpoints} does not answer ({Reason}); rate limits are counted per server until it does", Endpoints, reason);
        }
    }

    private void Answered()
    {
        if (Interlocked.Exchange(ref _failing, 0) == 1)
        {
            _logger.LogInformation("Redis at {Endpoints} answers again; rate limits are shared by every server", Endpoints);
        }
    }
}

/// <summary>
/// The limiter of <c>RateLimit:Store=redis</c>. Its synchronous attempt never blocks on the network: it answers "not
/// acquired" without counting, so ASP.NET Core's rate-limiting middleware asks again asynchronously, and that ask goes
/// to Redis. When Redis does not answer, the request is counted by the in-memory limiter instead.
/// </summary>
public sealed class SharedRateLimiter(
    RedisRateLimitStore store,
    ApiPartitionedRateLimiter local,
    int permitLimit,
    TimeSpan window,
    TimeProvider clock) : PartitionedRateLimiter<HttpContext>
{
    private static readonly RateLimitLease Undecided = new WindowLease(false, null);

    /// <summary>What Redis said for this request, kept for the remaining-permits header.</summary>
    private sealed record Decision(int Remaining);

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) =>
        resource.Features.Get<Decision>() is { } decision
            ? new RateLimiterStatistics { CurrentAvailablePermits = decision.Remaining }
            : local.GetStatistics(resource);

    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount) => Undecided;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var end = AlignedWindowRateLimiter.WindowEnd(now, window);
        var windowIndex = end.ToUnixTimeMilliseconds() / (long)window.TotalMilliseconds;
        if (await store.IncrementAsync(ApiRateLimiting.PartitionKey(resource), windowIndex, end - now, cancellationToken) is not { } used)
        {
            return local.AttemptAcquire(resource, permitCount);
        }

        resource.Features.Set(new Decision((int)Math.Clamp(permitLimit - used, 0, permitLimit)));
        return used <= permitLimit ? WindowLease.Acquired : WindowLease.Refused(end - now);
    }
}

/// <summary>Readiness of the shared rate-limit store: <c>Degraded</c> (still serving, budgets per server) while Redis does not answer.</summary>
public sealed class RateLimitStoreHealthCheck(RedisRateLimitStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await store.PingAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Degraded($"Redis at {store.Endpoints} does not answer; rate limits are counted per server until it does.");
}
