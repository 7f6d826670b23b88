using Asp.Versioning;

namespace JsonApiInvites.Api.Versioning;

/// <summary>
/// Asp.Versioning's <c>api-supported-versions</c> and <c>api-deprecated-versions</c> headers, written in our own
/// version syntax (<c>2024-10-15~beta</c>, not Asp.Versioning's <c>2024-10-15-beta</c>), so a client can send any
/// reported value back as <c>?version=</c>.
/// </summary>
public sealed class DatedApiVersionReporter : IReportApiVersions
{
    public const string SupportedHeader = "api-supported-versions";
    public const string DeprecatedHeader = "api-deprecated-versions";

    public ApiVersionMapping Mapping => ApiVersionMapping.Explicit | ApiVersionMapping.Implicit;

    // The models are per action and never change: format their headers once.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<ApiVersionModel, Tuple<string?, string?>> _formatted = [];

    public void Report(HttpResponse response, ApiVersionModel apiVersionModel)
    {
        if (apiVersionModel.IsApiVersionNeutral)
        {
            return;
        }

        var (supported, deprecated) = _formatted.GetValue(apiVersionModel, m => Tuple.Create(Format(m.SupportedApiVersions), Format(m.DeprecatedApiVersions)));
        if (supported is not null)
        {
            response.Headers[SupportedHeader] = supported;
        }

        if (deprecated is not null)
        {
            response.Headers[DeprecatedHeader] = deprecated;
        }
    }

    private static string? Format(IReadOnlyList<ApiVersion> versions) =>
        versions.Count == 0 ? null : string.Join(", ", versions.Select(DatedApiVersionParser.ToVersionName).Order().Select(v => v.ToString()));
}
