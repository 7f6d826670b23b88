using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Api.Versioning;

namespace JsonApiInvites.Api.OpenApi;

public static class OpenApiEndpoint
{
    /// <summary>
    /// <c>GET /openapi/{version}.json</c>: the committed document of the version that <c>{version}</c> resolves to, with
    /// the same rules and errors as <c>?version=</c> (so <c>/openapi/2023-01-01.json</c> is the 2022-11-14 document).
    /// </summary>
    public static IEndpointRouteBuilder MapOpenApiDocuments(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/openapi/{version}.json", (string version, DeclaredVersions versions, TimeProvider clock, HttpContext context) =>
        {
            var resolved = ApiVersionMiddleware.Resolve(new Microsoft.Extensions.Primitives.StringValues(version), versions, clock);
            var document = OpenApiDocuments.ReadEmbedded(resolved.Served)
                ?? throw new InvalidOperationException($"The OpenAPI document of {resolved.Served} was not embedded; run 'openapi write'.");
            context.Response.Headers["api-version-served"] = resolved.Served.ToString();
            return Results.Text(document, "application/json");
        });
        return endpoints;
    }
}
