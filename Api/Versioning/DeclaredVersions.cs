namespace JsonApiInvites.Api.Versioning;

/// <summary>Where a declared version stands on a given day (SPEC §3).</summary>
public sealed record VersionLifecycle(string Stage, DateOnly? DeprecatedSince, DateOnly? SunsetOn);

/// <summary>The table of declared versions and the resolution rules of SPEC §3. Adding a version is one line in <see cref="Default"/>.</summary>
public sealed class DeclaredVersions
{
    public static DeclaredVersions Default { get; } = new(
    [
        ApiVersionName.Ga(2021, 6, 4),
        ApiVersionName.Ga(2022, 11, 14),
        ApiVersionName.Beta(2024, 10, 15),
        ApiVersionName.Ga(2026, 11, 25),
    ]);

    public DeclaredVersions(IEnumerable<ApiVersionName> versions)
    {
        All = [.. versions.Order()];
        if (All.Count == 0)
        {
            throw new ArgumentException("At least one version must be declared.", nameof(versions));
        }
    }

    /// <summary>Oldest first.</summary>
    public IReadOnlyList<ApiVersionName> All { get; }

    /// <summary>
    /// Among declared versions whose stability is at least the requested one, the one with the latest date on or
    /// before the requested date; on a date tie the higher stability. Null when none qualifies.
    /// </summary>
    public ApiVersionName? Resolve(ApiVersionName requested)
    {
        ApiVersionName? best = null;
        foreach (var candidate in All)
        {
            if (candidate.Stability >= requested.Stability && candidate.Date <= requested.Date && (best is null || candidate > best.Value))
            {
                best = candidate;
            }
        }

        return best;
    }

    /// <summary>
    /// The first later version of equal or higher stability whose date has come by <paramref name="today"/>: it
    /// supersedes <paramref name="version"/>. A version declared for a later day changes nothing before that day.
    /// </summary>
    public ApiVersionName? SuccessorOf(ApiVersionName version, DateOnly today) =>
        All.Where(v => v.Date > version.Date && v.Date <= today && v.Stability >= version.Stability).Select(v => (ApiVersionName?)v).FirstOrDefault();

    public bool IsSuperseded(ApiVersionName version, DateOnly today) => SuccessorOf(version, today) is not null;

    /// <summary>
    /// Whether clients can see <paramref name="version"/> by <paramref name="today"/> (UTC): dated no later than
    /// tomorrow, a client's today somewhere on Earth (a request may name that date, see SPEC §3).
    /// </summary>
    public static bool IsAnnounced(ApiVersionName version, DateOnly today) => version.Date <= today.AddDays(1);

    /// <summary>The oldest declared version.</summary>
    public ApiVersionName First => All[0];

    /// <summary>
    /// A version is deprecated once a newer declared version of equal or higher stability has come (its date is
    /// today or past); it is sunset a fixed number of days after that successor's date (GA 181, beta 91, experimental
    /// and wip 1), and still served.
    /// </summary>
    public VersionLifecycle LifecycleOf(ApiVersionName version, DateOnly today)
    {
        if (SuccessorOf(version, today) is not { } next)
        {
            return new VersionLifecycle(ApiVersionName.StabilityName(version.Stability), null, null);
        }

        var sunset = next.Date.AddDays(version.Stability switch
        {
            Stability.Ga => 181,
            Stability.Beta => 91,
            _ => 1,
        });
        return new VersionLifecycle(today >= sunset ? "sunset" : "deprecated", next.Date, sunset);
    }
}
