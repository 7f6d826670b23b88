using JsonApiInvites.Api.Versioning;

namespace JsonApiInvites.Api.Tests.Versioning;

public sealed class VersionResolutionTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);

    [TestCase("2021-06-04", "2021-06-04", Stability.Ga)]
    [TestCase("2024-10-15~beta", "2024-10-15", Stability.Beta)]
    [TestCase("2024-10-15~experimental", "2024-10-15", Stability.Experimental)]
    [TestCase("2024-10-15~wip", "2024-10-15", Stability.Wip)]
    [TestCase("2024-10-15~work-in-progress", "2024-10-15", Stability.Wip)]
    [TestCase("beta", "2026-11-23", Stability.Beta)]
    [TestCase("work-in-progress", "2026-11-23", Stability.Wip)]
    [TestCase("2024-02-29", "2024-02-29", Stability.Ga)]
    public void Parses_valid_versions(string text, string date, Stability stability)
    {
        Assert.That(ApiVersionName.TryParse(text, Today, out var version), Is.True);
        Assert.That(version, Is.EqualTo(new ApiVersionName(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), stability)));
    }

    [TestCase("")]
    [TestCase("2021-6-4")]
    [TestCase("2021-06-04~ga")]
    [TestCase("2021-06-04~BETA")]
    [TestCase("2021-06-04-beta")]
    [TestCase("2021-02-30")]
    [TestCase("2023-02-29")]
    [TestCase("2021-13-01")]
    [TestCase("2021-00-10")]
    [TestCase("2021-06-00")]
    [TestCase(" 2021-06-04")]
    [TestCase("2021-06-04\n")]
    [TestCase("ga")]
    [TestCase("v1")]
    public void Rejects_invalid_versions(string text) =>
        Assert.That(ApiVersionName.TryParse(text, Today, out _), Is.False);

    [TestCase("2021-06-04~work-in-progress", "2021-06-04~wip")]
    [TestCase("2021-06-04", "2021-06-04")]
    [TestCase("2024-10-15~beta", "2024-10-15~beta")]
    public void Normalizes_versions(string text, string normalized)
    {
        ApiVersionName.TryParse(text, Today, out var version);
        Assert.That(version.ToString(), Is.EqualTo(normalized));
    }

    // Declared sets are written as comma-separated versions; "-" means no version resolves.
    [TestCase("2021-06-04,2021-10-01", "2021-10-31", "2021-10-01")]
    [TestCase("2021-06-04,2021-10-01", "2021-09-30", "2021-06-04")]
    [TestCase("2021-06-04,2021-10-01", "2021-10-01", "2021-10-01")]
    [TestCase("2021-09-01,2021-09-01~beta", "2021-09-01~beta", "2021-09-01")]
    [TestCase("2021-09-01~beta,2021-10-01~experimental", "2021-10-15~beta", "2021-09-01~beta")]
    [TestCase("2021-09-01~beta,2021-10-01~experimental", "2021-10-15~experimental", "2021-10-01~experimental")]
    [TestCase("2021-06-04,2024-10-15~beta", "2024-10-15", "2021-06-04")]
    [TestCase("2021-06-04,2024-10-15~beta", "2024-10-15~beta", "2024-10-15~beta")]
    [TestCase("2021-06-04,2024-10-15~beta", "2024-10-15~wip", "2024-10-15~beta")]
    [TestCase("2021-06-04", "2021-06-03", "-")]
    [TestCase("2021-06-04~beta", "2021-07-01", "-")]
    public void Resolves_the_latest_declared_version_of_sufficient_stability(string declared, string requested, string served)
    {
        var versions = new DeclaredVersions(declared.Split(',').Select(ApiVersionName.Parse));
        ApiVersionName.TryParse(requested, Today, out var version);

        var resolved = versions.Resolve(version);

        Assert.That(resolved?.ToString() ?? "-", Is.EqualTo(served));
    }

    [Test]
    public void A_version_is_current_until_a_successor_of_equal_or_higher_stability_exists()
    {
        var versions = new DeclaredVersions([ApiVersionName.Parse("2021-06-04"), ApiVersionName.Parse("2024-10-15~beta")]);

        Assert.Multiple(() =>
        {
            Assert.That(versions.LifecycleOf(ApiVersionName.Parse("2021-06-04"), Today), Is.EqualTo(new VersionLifecycle("ga", null, null)));
            Assert.That(versions.LifecycleOf(ApiVersionName.Parse("2024-10-15~beta"), Today), Is.EqualTo(new VersionLifecycle("beta", null, null)));
        });
    }

    [TestCase("2021-06-04", "2022-11-14", "2023-05-14", "2023-05-13", "deprecated")]
    [TestCase("2021-06-04", "2022-11-14", "2023-05-14", "2023-05-14", "sunset")]
    [TestCase("2024-01-01~beta", "2024-06-01~beta", "2024-08-31", "2024-08-30", "deprecated")]
    [TestCase("2024-01-01~experimental", "2024-06-01", "2024-06-02", "2024-06-02", "sunset")]
    public void A_superseded_version_is_deprecated_then_sunset(string version, string successor, string sunset, string today, string stage)
    {
        var versions = new DeclaredVersions([ApiVersionName.Parse(version), ApiVersionName.Parse(successor)]);

        var lifecycle = versions.LifecycleOf(ApiVersionName.Parse(version), DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture));

        Assert.That(lifecycle, Is.EqualTo(new VersionLifecycle(
            stage,
            ApiVersionName.Parse(successor).Date,
            DateOnly.Parse(sunset, System.Globalization.CultureInfo.InvariantCulture))));
    }

    [Test]
    public void A_successor_declared_for_a_later_day_changes_nothing_before_that_day()
    {
        var versions = new DeclaredVersions([ApiVersionName.Parse("2022-11-14"), ApiVersionName.Parse("2024-10-15~beta"), ApiVersionName.Parse("2026-11-25")]);
        var before = new DateOnly(2026, 11, 24);
        var on = new DateOnly(2026, 11, 25);

        Assert.Multiple(() =>
        {
            Assert.That(versions.LifecycleOf(ApiVersionName.Parse("2022-11-14"), before), Is.EqualTo(new VersionLifecycle("ga", null, null)));
            Assert.That(versions.LifecycleOf(ApiVersionName.Parse("2024-10-15~beta"), before), Is.EqualTo(new VersionLifecycle("beta", null, null)));
            Assert.That(versions.LifecycleOf(ApiVersionName.Parse("2022-11-14"), on), Is.EqualTo(new VersionLifecycle("deprecated", on, new DateOnly(2027, 5, 25))));
            Assert.That(versions.LifecycleOf(ApiVersionName.Parse("2024-10-15~beta"), on), Is.EqualTo(new VersionLifecycle("deprecated", on, new DateOnly(2027, 2, 24))));
            Assert.That(DeclaredVersions.IsAnnounced(ApiVersionName.Parse("2026-11-25"), new DateOnly(2026, 11, 23)), Is.False);
            Assert.That(DeclaredVersions.IsAnnounced(ApiVersionName.Parse("2026-11-25"), before), Is.True, "tomorrow, somewhere on Earth, is today");
        });
    }

    [Test]
    public void A_ga_version_is_not_deprecated_by_a_newer_beta()
    {
        var versions = new DeclaredVersions([ApiVersionName.Parse("2021-06-04"), ApiVersionName.Parse("2024-10-15~beta")]);

        Assert.That(versions.LifecycleOf(ApiVersionName.Parse("2021-06-04"), Today).Stage, Is.EqualTo("ga"));
    }
}
