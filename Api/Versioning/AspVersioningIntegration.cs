using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Asp.Versioning;

namespace JsonApiInvites.Api.Versioning;

/// <summary>Reads and writes our dated versions (<c>2024-10-15~beta</c>) as Asp.Versioning group versions with a status.</summary>
public sealed class DatedApiVersionParser : IApiVersionParser
{
    public static ApiVersion ToApiVersion(ApiVersionName version) =>
        new(version.Date, version.Stability == Stability.Ga ? null : ApiVersionName.StabilityName(version.Stability));

    public static ApiVersionName ToVersionName(ApiVersion version) =>
        version.GroupVersion is { } date
            ? ApiVersionName.Parse(date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + (version.Status is null ? "" : "~" + version.Status))
            : throw new ArgumentException($"API version {version} has no date.", nameof(version));

    public ApiVersion Parse(ReadOnlySpan<char> text) =>
        TryParse(text, out var version) ? version : throw new FormatException($"'{text}' is not a dated API version.");

    // Asp.Versioning's routing parses the served version of every request again (ApiVersionMiddleware hands it one of
    // the few declared versions' strings): each text parsed well is remembered, up to a bound, as ApiVersion is immutable.
    private const int MaxRemembered = 256;
    private readonly ConcurrentDictionary<string, ApiVersion> _parsed = new(StringComparer.Ordinal);

    public bool TryParse(ReadOnlySpan<char> text, [MaybeNullWhen(false)] out ApiVersion apiVersion)
    {
        var parsed = _parsed.GetAlternateLookup<ReadOnlySpan<char>>();
        if (parsed.TryGetValue(text, out apiVersion))
        {
            return true;
        }

        if (!ApiVersionName.TryParse(text.ToString(), DateOnly.MinValue, out var version) || version.Date == DateOnly.MinValue)
        {
            return false;
        }

        apiVersion = ToApiVersion(version);
        if (_parsed.Count < MaxRemembered)
        {
            parsed.TryAdd(text, apiVersion);
        }

        return true;
    }
}

/// <summary>
/// Hands Asp.Versioning the version <see cref="ApiVersionMiddleware"/> resolved, so actions are selected by the
/// served version while clients may ask for any date.
/// </summary>
public sealed class ResolvedApiVersionReader : IApiVersionReader
{
    public IReadOnlyList<string> Read(HttpRequest request) =>
        request.HttpContext.Features.Get<ApiVersionContext>() is { } version ? [version.Served.ToString()] : [];

    public void AddParameters(IApiVersionParameterDescriptionContext context) =>
        context.AddParameter(ApiVersionMiddleware.QueryParameter, ApiVersionParameterLocation.Query);
}
