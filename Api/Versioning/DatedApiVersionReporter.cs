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

    public void Report(HttpResponse response, ApiVersionModel apiVersionModel)
    {
        if (apiVersionModel.IsApiVersionNeutral)
        {
            return;
        }

        Write(response.Headers, SupportedHeader, apiVersionModel.SupportedApiVersions);
        Write(response.Headers, DeprecatedHeader, apiVersionModel.DeprecatedApiVersions);
    }

    private static void Write(IHeaderDictionary headers, string name, IReadOnlyList<ApiVersion> versions)
    {
        if (versions.Count > 0)
        {
            headers[name] = string.Join(", ", versions.Select(DatedApiVersionParser.ToVersionName).Order().Select(v => v.ToString()));
        }
    }
}
