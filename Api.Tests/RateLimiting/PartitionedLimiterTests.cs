using System.Net;
using JsonApiInvites.Api.RateLimiting;
using JsonApiInvites.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace JsonApiInvites.Api.Tests.RateLimiting;

/// <summary>The limiter behind SPEC §7 is lock-free and keeps one partition per token or client address; these pin what that must not lose.</summary>
public sealed class PartitionedLimiterTests
{
    [Test]
    public void Concurrent_acquires_never_grant_more_than_the_limit()
    {
        var clock = new TestClock(TestClock.Start);
        using var limiter = new AlignedWindowRateLimiter(5_000, TimeSpan.FromSeconds(60), clock);
        var granted = 0;

        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 1_000; i++)
            {
                using var lease = limiter.AttemptAcquire();
                if (lease.IsAcquired)
                {
                    Interlocked.Increment(ref granted);
                }
            }
        });

        Assert.That(granted, Is.EqualTo(5_000));
        Assert.That(limiter.GetStatistics()!.CurrentAvailablePermits, Is.Zero);
    }

    [Test]
    public void A_new_window_gives_back_every_permit()
    {
        var clock = new TestClock(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
        using var limiter = new AlignedWindowRateLimiter(2, TimeSpan.FromSeconds(60), clock);
        limiter.AttemptAcquire().Dispose();
        limiter.AttemptAcquire().Dispose();
        using var refused = limiter.AttemptAcquire();
        Assert.That(refused.IsAcquired, Is.False);
        Assert.That(refused.TryGetMetadata(System.Threading.RateLimiting.MetadataName.RetryAfter, out var retryAfter), Is.True);
        Assert.That(retryAfter, Is.EqualTo(TimeSpan.FromSeconds(60)));

        clock.Advance(TimeSpan.FromSeconds(60));

        Assert.That(limiter.GetStatistics()!.CurrentAvailablePermits, Is.EqualTo(2));
        using var again = limiter.AttemptAcquire();
        Assert.That(again.IsAcquired, Is.True);
    }

    [Test]
    public void Partitions_idle_for_a_whole_window_are_swept_and_busy_ones_kept()
    {
        var clock = new TestClock(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
        using var limiter = new ApiPartitionedRateLimiter(10, TimeSpan.FromSeconds(60), clock);
        for (var i = 0; i < 50; i++)
        {
            limiter.AttemptAcquire(Client($"10.0.0.{i}")).Dispose();
        }

        Assert.That(limiter.PartitionCount, Is.EqualTo(50));

        clock.Advance(TimeSpan.FromSeconds(61));
        var busy = Client("10.0.0.7");
        limiter.AttemptAcquire(busy).Dispose();
        clock.Advance(TimeSpan.FromSeconds(61));
        limiter.AttemptAcquire(Client("10.0.0.7")).Dispose();

        Assert.That(limiter.PartitionCount, Is.EqualTo(1), "only the address still in use is kept");
    }

    [Test]
    public void A_token_has_one_budget_from_any_address_and_its_idle_partition_is_swept()
    {
        var clock = new TestClock(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
        using var limiter = new ApiPartitionedRateLimiter(3, TimeSpan.FromSeconds(60), clock);
        var token = new Domain.Tokens.ApiToken(Guid.NewGuid(), Guid.NewGuid(), "ci", ["org.read"], clock.GetUtcNow());
        limiter.AttemptAcquire(WithToken(Client("10.0.0.1"), token)).Dispose();
        limiter.AttemptAcquire(WithToken(Client("10.0.0.2"), token)).Dispose();

        Assert.That(limiter.GetStatistics(WithToken(Client("10.0.0.3"), token))!.CurrentAvailablePermits, Is.EqualTo(1), "one budget across addresses");
        Assert.That(limiter.GetStatistics(Client("10.0.0.1"))!.CurrentAvailablePermits, Is.EqualTo(3), "the address's own budget is untouched");
        Assert.That(limiter.PartitionCount, Is.EqualTo(2));

        clock.Advance(TimeSpan.FromSeconds(61));
        limiter.AttemptAcquire(Client("10.0.0.9")).Dispose();

        Assert.That(limiter.PartitionCount, Is.EqualTo(1), "the token's and the first address's idle partitions are swept");
    }

    private static DefaultHttpContext WithToken(DefaultHttpContext context, Domain.Tokens.ApiToken token)
    {
        context.Features.Set(token);
        return context;
    }

    [Test]
    public void One_request_asks_its_partition_once_and_reads_the_permits_it_left()
    {
        var clock = new TestClock(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
        using var limiter = new ApiPartitionedRateLimiter(3, TimeSpan.FromSeconds(60), clock);
        var first = Client("10.0.0.1");
        limiter.AttemptAcquire(first).Dispose();
        limiter.AttemptAcquire(Client("10.0.0.1")).Dispose();

        Assert.That(limiter.GetStatistics(first)!.CurrentAvailablePermits, Is.EqualTo(1));
        Assert.That(limiter.GetStatistics(Client("10.0.0.2"))!.CurrentAvailablePermits, Is.EqualTo(3), "another address has its own budget");
    }

    private static DefaultHttpContext Client(string address) =>
        new() { Connection = { RemoteIpAddress = IPAddress.Parse(address) } };
}
