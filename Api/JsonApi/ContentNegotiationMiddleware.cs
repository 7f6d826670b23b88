using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace JsonApiInvites.Api.JsonApi;

/// <summary>
/// JSON:API 1.1 content negotiation for the versioned API: 415 for a request body that is not
/// <c>application/vnd.api+json</c> (or carries any parameter but <c>profile</c>, or an extension we do not support),
/// 406 when every JSON:API entry in <c>Accept</c> is unusable. The server supports no extensions.
/// </summary>
public sealed class ContentNegotiationMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (!Versioning.ApiVersionMiddleware.IsVersioned(context.Request.Path))
        {
            return next(context);
        }

        context.Response.Headers.Vary = HeaderNames.Accept;
        RequestBodyLimit.Enforce(context);
        CheckContentType(context.Request);
        CheckAccept(context.Request.Headers.Accept);
        return next(context);
    }

    private static void CheckContentType(HttpRequest request)
    {
        var hasBody = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
        var contentType = request.Headers.ContentType;
        if (!hasBody && StringValues.IsNullOrEmpty(contentType))
        {
            return;
        }

        if (StringValues.IsNullOrEmpty(contentType) || !MediaTypeHeaderValue.TryParse(contentType.ToString(), out var mediaType))
        {
            throw new JsonApiException(Errors.UnsupportedMediaType($"Send request documents with Content-Type: {JsonApiMediaType.Value}."));
        }

        if (!mediaType.MediaType.Equals(JsonApiMediaType.Value, StringComparison.OrdinalIgnoreCase))
        {
            throw new JsonApiException(Errors.UnsupportedMediaType($"Content-Type '{mediaType.MediaType}' is not supported; use {JsonApiMediaType.Value}."));
        }

        foreach (var parameter in mediaType.Parameters)
        {
            if (parameter.Name.Equals("ext", StringComparison.OrdinalIgnoreCase))
            {
                throw new JsonApiException(Errors.UnsupportedMediaType($"The extension(s) {parameter.Value} are not supported; this server supports no JSON:API extensions."));
            }

            if (!parameter.Name.Equals("profile", StringComparison.OrdinalIgnoreCase))
            {
                throw new JsonApiException(Errors.UnsupportedMediaType($"The media type parameter '{parameter.Name}' is not allowed; only 'ext' and 'profile' are."));
            }
        }
    }

    private static void CheckAccept(StringValues accept)
    {
        if (StringValues.IsNullOrEmpty(accept) || !MediaTypeHeaderValue.TryParseList(accept, out var entries))
        {
            return;
        }

        var jsonApiEntries = entries.Where(e => e.MediaType.Equals(JsonApiMediaType.Value, StringComparison.OrdinalIgnoreCase)).ToList();
        if (jsonApiEntries.Count == 0)
        {
            return;
        }

        // Usable: no parameter at all, or only 'profile' (we support no extensions, so 'ext' makes it unusable).
        // The spec makes this a 406 even when Accept also lists */* or application/json.
        var usable = jsonApiEntries.Any(e => e.Parameters.All(p => IsProfileOrWeight(p.Name.Value)));
        if (!usable)
        {
            throw new JsonApiException(Errors.NotAcceptable());
        }
    }

    // 'q' is the Accept weight, not a media type parameter.
    private static bool IsProfileOrWeight(string? name) =>
        string.Equals(name, "profile", StringComparison.OrdinalIgnoreCase) || string.Equals(name, "q", StringComparison.OrdinalIgnoreCase);
}
