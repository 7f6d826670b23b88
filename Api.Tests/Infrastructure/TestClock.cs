namespace JsonApiInvites.Api.Tests.Infrastructure;

/// <summary>A frozen clock that tests move by hand.</summary>
public sealed class TestClock(DateTimeOffset now) : TimeProvider
{
    /// <summary>A fixed instant, so snapshots hold real timestamps.</summary>
    public static DateTimeOffset Start { get; } = new(2026, 11, 23, 2, 40, 57, TimeSpan.Zero);

    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;

    /// <summary>Moves the clock to <paramref name="day"/> at the time of day of <see cref="Start"/>, if that is later.</summary>
    public void StartOn(DateOnly day)
    {
        var then = new DateTimeOffset(day.ToDateTime(TimeOnly.FromTimeSpan(Start.TimeOfDay)), TimeSpan.Zero);
        if (then > Now)
        {
            Now = then;
        }
    }
}
