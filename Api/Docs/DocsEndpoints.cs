using JsonApiInvites.Api.Versioning;
using Scalar.AspNetCore;

namespace JsonApiInvites.Api.Docs;

/// <summary>
/// A browsable API reference (SPEC §10): <c>/docs</c> (the newest GA version) and <c>/docs/{version}</c> (the version
/// <c>{version}</c> resolves to, as <c>?version=</c> would), rendered by Scalar from the served OpenAPI documents. Its
/// script comes from the package, inside the server; its fonts, telemetry and AI features, which would reach the
/// internet, are off. Not versioned, not JSON:API, no data: the documents describe the API, never its contents.
/// </summary>
public static class DocsEndpoints
{
    public const string Path = "/docs";

    public static bool Owns(PathString path) => path.StartsWithSegments(Path, StringComparison.OrdinalIgnoreCase);

    public static IEndpointRouteBuilder MapDocs(this IEndpointRouteBuilder endpoints)
    {
        var versions = endpoints.ServiceProvider.GetRequiredService<DeclaredVersions>();
        var ga = versions.All.Where(v => v.Stability == JsonApiInvites.Api.Versioning.Stability.Ga).ToList();
        var newestGa = ga.Count > 0 ? ga.Max() : versions.All.Max();
        endpoints.MapScalarApiReference(Path, options =>
        {
            options.WithTitle("JsonApiInvites API reference")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp()
                .HideClientButton()
                .HideDeveloperTools();
            options.AddDocument(newestGa.ToString(), newestGa.ToString(), isDefault: true);
            foreach (var version in versions.All.Where(v => v != newestGa).OrderDescending())
            {
                options.AddDocument(version.ToString(), version.ToString());
            }
        });
        return endpoints;
    }
}
