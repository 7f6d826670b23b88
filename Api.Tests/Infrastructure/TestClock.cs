namespace JsonApiInvites.Api.Tests.Infrastructure;

/// <summary>A frozen clock that tests move by hand.</summary>
public sealed class TestClock(DateTimeOffset now) : TimeProvider
{
    /// <summary>A fixed instant, so snapshots hold real timestamps.</summary>
    public static DateTimeOffset Start { get; } = new(2026, 11, 23, 2, 40, 57, TimeSpan.Zero);

    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}
