using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace JsonApiInvites.Api.JsonApi;

/// <summary>Writes a JSON:API document with its media type; <c>Location</c> when a resource was created.</summary>
public sealed class JsonApiResult(int status, Document document, string? location = null) : IActionResult
{
    public int Status => status;

    public Document Document => document;

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = status;
        response.ContentType = JsonApiMediaType.Value;
        if (location is not null)
        {
            response.Headers.Location = location;
        }

        // Headers first, then the document straight into the response pipe (chunked), flushed once when it is complete.
        // Written before the headers, Kestrel would hold the body aside and copy all of it once the headers go out.
        await response.StartAsync(context.HttpContext.RequestAborted);
        using (var writer = new Utf8JsonWriter(response.BodyWriter, JsonApiSerializer.WriterOptions))
        {
            DocumentWriter.Write(writer, document);
        }

        await response.BodyWriter.FlushAsync(context.HttpContext.RequestAborted);
    }
}
