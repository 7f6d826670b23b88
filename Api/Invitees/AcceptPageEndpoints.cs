using System.Reflection;
using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace JsonApiInvites.Api.Invitees;

/// <summary>
/// The invitee's accept page (SPEC §8): <c>GET /accept?token=…</c>, the default target of the email's link, with its
/// script and style. Three small files embedded in the server; nothing is fetched from elsewhere. The page calls
/// <c>GET /invitation</c> and <c>POST /memberships</c> with the token as <c>Authorization: Invitation</c>. Not versioned,
/// not JSON:API.
/// </summary>
public static class AcceptPageEndpoints
{
    public const string Path = "/accept";

    /// <summary>The page's script and style: files of the page, not operations of the API (the OpenAPI document lists the page only).</summary>
    public const string ScriptPath = Path + "/accept.js";

    public const string StylePath = Path + "/accept.css";

    // The page's own script and style only; its API calls go to this server; it can be framed by nobody.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly PageFile Html = PageFile.Load("accept.html", "text/html; charset=utf-8");
    private static readonly PageFile Script = PageFile.Load("accept.js", "text/javascript; charset=utf-8");
    private static readonly PageFile Style = PageFile.Load("accept.css", "text/css; charset=utf-8");

    /// <summary>True for the page and its files: the routes outside the versioned JSON:API.</summary>
    public static bool Owns(PathString path) => path.StartsWithSegments(Path, StringComparison.OrdinalIgnoreCase);

    public static IEndpointRouteBuilder MapAcceptPage(this IEndpointRouteBuilder endpoints)
    {
        // The page's URL holds the token: no cache keeps it, and no request from the page sends it as a Referer.
        // HEAD is answered as GET without a body by HeadRequestMiddleware, as everywhere.
        endpoints.MapGet(Path, (HttpContext context) => Html.WriteAsync(context, "no-store"));
        endpoints.MapGet(ScriptPath, (HttpContext context) => Script.WriteAsync(context, "no-cache"));
        endpoints.MapGet(StylePath, (HttpContext context) => Style.WriteAsync(context, "no-cache"));
        return endpoints;
    }

    private sealed record PageFile(byte[] Content, string ContentType, string ETag)
    {
        public static PageFile Load(string name, string contentType)
        {
            using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("accept/" + name)
                ?? throw new InvalidOperationException($"The accept page's '{name}' is not embedded in the server.");
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            return new PageFile(content, contentType, $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\"");
        }

        /// <summary>Writes the file with the page's security headers; 304 when the client holds this version (<c>If-None-Match</c>).</summary>
        public Task WriteAsync(HttpContext context, string cacheControl)
        {
            var headers = context.Response.Headers;
            headers.CacheControl = cacheControl;
            headers.ETag = ETag;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers[HeaderNames.XContentTypeOptions] = "nosniff";
            headers[HeaderNames.XFrameOptions] = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            if (context.Request.Headers.IfNoneMatch.Any(value => value is not null && value.Split(',').Any(tag => tag.Trim() == ETag)))
            {
                context.Response.StatusCode = StatusCodes.Status304NotModified;
                return Task.CompletedTask;
            }

            context.Response.ContentType = ContentType;
            context.Response.ContentLength = Content.Length;
            return context.Response.Body.WriteAsync(Content, context.RequestAborted).AsTask();
        }
    }
}
