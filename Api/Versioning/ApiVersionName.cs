using System.Globalization;
using System.Text.RegularExpressions;

namespace JsonApiInvites.Api.Versioning;

/// <summary>Stabilities in ascending order: a request for one is served by a declared version of that one or higher.</summary>
public enum Stability
{
    Wip = 0,
    Experimental = 1,
    Beta = 2,
    Ga = 3,
}

/// <summary>A date-based API version such as <c>2021-06-04</c> or <c>2024-10-15~beta</c> (Snyk/vervet style).</summary>
public readonly partial record struct ApiVersionName(DateOnly Date, Stability Stability) : IComparable<ApiVersionName>
{
    public static ApiVersionName Ga(int year, int month, int day) => new(new DateOnly(year, month, day), Stability.Ga);

    public static ApiVersionName Beta(int year, int month, int day) => new(new DateOnly(year, month, day), Stability.Beta);

    public enum ParseError
    {
        None,
        Invalid,
    }

    /// <summary>
    /// Parses the exact pattern of SPEC §3. A bare stability (<c>beta</c>) means <paramref name="today"/> with that
    /// stability; <c>work-in-progress</c> is <c>wip</c>. Dates must exist in the calendar.
    /// </summary>
    public static bool TryParse(string? text, DateOnly today, out ApiVersionName version)
    {
        version = default;
        if (text is null)
        {
            return false;
        }

        var match = Matcher().Match(text);
        if (!match.Success)
        {
            return false;
        }

        if (match.Groups["bare"].Success)
        {
            version = new ApiVersionName(today, ParseStability(match.Groups["bare"].Value));
            return true;
        }

        if (!DateOnly.TryParseExact(match.Groups["date"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return false;
        }

        var stability = match.Groups["stability"].Success ? ParseStability(match.Groups["stability"].Value) : Stability.Ga;
        version = new ApiVersionName(date, stability);
        return true;
    }

    public static ApiVersionName Parse(string text) =>
        TryParse(text, DateOnly.MinValue, out var version) && version.Date != DateOnly.MinValue
            ? version
            : throw new FormatException($"'{text}' is not a dated API version.");

    public static string StabilityName(Stability stability) => stability switch
    {
        Stability.Wip => "wip",
        Stability.Experimental => "experimental",
        Stability.Beta => "beta",
        Stability.Ga => "ga",
        _ => throw new ArgumentOutOfRangeException(nameof(stability)),
    };

    /// <summary>The normalized form: the date, and <c>~stability</c> unless GA.</summary>
    public override string ToString() =>
        Stability == Stability.Ga
            ? Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : $"{Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}~{StabilityName(Stability)}";

    /// <summary>Date first; on the same date the higher stability is the greater.</summary>
    public int CompareTo(ApiVersionName other)
    {
        var byDate = Date.CompareTo(other.Date);
        return byDate != 0 ? byDate : Stability.CompareTo(other.Stability);
    }

    public static bool operator <(ApiVersionName left, ApiVersionName right) => left.CompareTo(right) < 0;

    public static bool operator >(ApiVersionName left, ApiVersionName right) => left.CompareTo(right) > 0;

    public static bool operator <=(ApiVersionName left, ApiVersionName right) => left.CompareTo(right) <= 0;

    public static bool operator >=(ApiVersionName left, ApiVersionName right) => left.CompareTo(right) >= 0;

    private static Stability ParseStability(string name) => name switch
    {
        "wip" or "work-in-progress" => Stability.Wip,
        "experimental" => Stability.Experimental,
        "beta" => Stability.Beta,
        _ => throw new FormatException($"Unknown stability '{name}'."),
    };

    // SPEC §3, with named groups; the alternatives are the same as the published pattern.
    /// <summary>The pattern of SPEC §3 as published in the OpenAPI documents (the parser also checks that the date is real).</summary>
    public const string Pattern =
        "^(wip|work-in-progress|experimental|beta|((([0-9]{4})-([0-1][0-9]))-((3[01])|(0[1-9])|([12][0-9]))(~(wip|work-in-progress|experimental|beta))?))$";

    [GeneratedRegex(@"^(?:(?<bare>wip|work-in-progress|experimental|beta)|(?<date>[0-9]{4}-[0-1][0-9]-(?:3[01]|0[1-9]|[12][0-9]))(?:~(?<stability>wip|work-in-progress|experimental|beta))?)\z", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Matcher();
}
