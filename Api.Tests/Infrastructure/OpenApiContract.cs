using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using JsonApiInvites.Api.OpenApi;
using JsonApiInvites.Api.Versioning;

namespace JsonApiInvites.Api.Tests.Infrastructure;

/// <summary>
/// Checks a response against the committed OpenAPI document of the version that served it: the status must be one
/// the operation documents, and the body must validate against that status's schema. <see cref="JsonApiClient"/>
/// calls it for every response, so every test is also a contract test.
/// </summary>
public static class OpenApiContract
{
    private static readonly ConcurrentDictionary<string, JsonObject> Documents = new(StringComparer.Ordinal);

    public static JsonObject DocumentOf(string version) => Documents.GetOrAdd(version, v =>
        JsonNode.Parse(OpenApiDocuments.ReadEmbedded(ApiVersionName.Parse(v)) ?? throw new InvalidOperationException($"No OpenAPI document for {v}."))!.AsObject());

    /// <summary>The documented path template a request path matches (literal segments win over parameters), or null.</summary>
    public static string? TemplateFor(JsonObject document, string path)
    {
        var segments = path.Trim('/').Split('/');
        return document["paths"]!.AsObject()
            .Select(p => p.Key)
            .Where(t => Matches(t.Trim('/').Split('/'), segments))
            .OrderBy(t => t.Count(c => c == '{'))
            .FirstOrDefault();
    }

    /// <summary>The problems of the response, empty when it matches the contract. Requests outside the documented paths are not checked here.</summary>
    public static IReadOnlyList<string> Check(HttpMethod method, Uri url, int status, string? servedVersion, string body)
    {
        if (servedVersion is null)
        {
            return []; // The version itself was in error: there is no document to check against.
        }

        var document = DocumentOf(servedVersion);
        var path = url.IsAbsoluteUri ? url.AbsolutePath : url.OriginalString.Split('?')[0];
        if (TemplateFor(document, path) is not { } template
            || document["paths"]![template]![method.Method.ToLowerInvariant()] is not JsonObject operation)
        {
            return [];
        }

        var response = operation["responses"]![status.ToString(System.Globalization.CultureInfo.InvariantCulture)] as JsonObject;
        if (response?["$ref"] is { } reference)
        {
            response = document["components"]!["responses"]![reference.GetValue<string>().Split('/')[^1]] as JsonObject;
        }

        if (response is null)
        {
            return [$"{method} {template} at {servedVersion} does not document status {status}"];
        }

        var content = response["content"]?.AsObject().FirstOrDefault().Value?["schema"]?.AsObject();
        if (content is null)
        {
            return body.Length == 0 ? [] : [$"{method} {template} {status} documents no body but one was sent"];
        }

        var query = url.OriginalString.Contains('?', StringComparison.Ordinal) ? url.OriginalString[url.OriginalString.IndexOf('?', StringComparison.Ordinal)..] : "";
        var sparse = query.Contains("fields%5B", StringComparison.OrdinalIgnoreCase) || query.Contains("fields[", StringComparison.Ordinal);
        var validator = new SchemaValidator(document, checkRequired: !sparse);
        validator.Validate(JsonNode.Parse(body), content, "");
        return [.. validator.Errors.Select(e => $"{method} {template} {status} at {servedVersion}: {e}")];
    }

    private static bool Matches(string[] template, string[] segments) =>
        template.Length == segments.Length && template.Zip(segments).All(p => SegmentMatches(p.First, p.Second));

    private static bool SegmentMatches(string template, string segment) =>
        !template.StartsWith('{') ? template == segment
        : template.EndsWith(".json", StringComparison.Ordinal) ? segment.EndsWith(".json", StringComparison.Ordinal)
        : segment.Length > 0;
}
