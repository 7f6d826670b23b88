using Asp.Versioning;

namespace JsonApiInvites.Api.Versioning;

/// <summary>
/// Asp.Versioning's <c>api-supported-versions</c> and <c>api-deprecated-versions</c> headers, written in our own
/// version syntax (<c>2024-10-15~beta</c>, not Asp.Versioning's <c>2024-10-15-beta</c>), so a client can send any
/// reported value back as <c>?version=</c>. As of the day (UTC): a version dated after tomorrow is not reported yet,
/// and a version is reported deprecated only once its successor's date has come.
/// </summary>
public sealed class DatedApiVersionReporter(DeclaredVersions versions, TimeProvider clock) : IReportApiVersions
{
    public const string SupportedHeader = "api-supported-versions";
    public const string DeprecatedHeader = "api-deprecated-versions";

    public ApiVersionMapping Mapping => ApiVersionMapping.Explicit | ApiVersionMapping.Implicit;

    private sealed record Formatted(int Day, string? Supported, string? Deprecated);

    // The models are per action and never change: format their headers once a day.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<ApiVersionModel, Formatted> _formatted = [];

    public void Report(HttpResponse response, ApiVersionModel apiVersionModel)
    {
        if (apiVersionModel.IsApiVersionNeutral)
        {
            return;
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (!_formatted.TryGetValue(apiVersionModel, out var formatted) || formatted.Day != today.DayNumber)
        {
            formatted = Format(apiVersionModel, today);
            _formatted.AddOrUpdate(apiVersionModel, formatted);
        }

        if (formatted.Supported is not null)
        {
            response.Headers[SupportedHeader] = formatted.Supported;
        }

        if (formatted.Deprecated is not null)
        {
            response.Headers[DeprecatedHeader] = formatted.Deprecated;
        }
    }

    private Formatted Format(ApiVersionModel model, DateOnly today)
    {
        var announced = model.SupportedApiVersions.Concat(model.DeprecatedApiVersions)
            .Select(DatedApiVersionParser.ToVersionName)
            .Where(v => DeclaredVersions.IsAnnounced(v, today))
            .Distinct()
            .Order()
            .ToList();
        return new Formatted(
            today.DayNumber,
            Join(announced.Where(v => !versions.IsSuperseded(v, today))),
            Join(announced.Where(v => versions.IsSuperseded(v, today))));
    }

    private static string? Join(IEnumerable<ApiVersionName> names)
    {
        var list = names.Select(v => v.ToString()).ToList();
        return list.Count == 0 ? null : string.Join(", ", list);
    }
}
