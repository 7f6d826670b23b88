using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace JsonApiInvites.Api.JsonApi;

/// <summary>Writes a JSON:API document with its media type; <c>Location</c> when a resource was created.</summary>
public sealed class JsonApiResult(int status, Document document, string? location = null) : IActionResult
{
    /// <summary>Enough for a single resource with its links, or for any document but a page of resources.</summary>
    private const int InitialBufferSize = 4096;

    /// <summary>
    /// The most a resource of a page takes, with its share of the included ones: an invitation 1.1–1.5 KB (a long
    /// address, every relationship of the latest version), a member ≈ 0.9 KB. A page's buffer starts that large,
    /// rather than doubling from 4 KiB (five copies of a 100-invitation page).
    /// </summary>
    private const int BytesPerPagedResource = 1536;

    /// <summary>The size a document's buffer starts at: room for its page of resources, else for a single resource.</summary>
    internal static int BufferSizeFor(Document document) =>
        InitialBufferSize + (document.Data is ICollection<IResource> page ? page.Count * BytesPerPagedResource : 0);

    public int Status => status;

    public Document Document => document;

    public Task ExecuteResultAsync(ActionContext context) => ExecuteAsync(context.HttpContext);

    public async Task ExecuteAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = JsonApiMediaType.Value;
        if (location is not null)
        {
            response.Headers.Location = location;
        }

        // The document is written into a pooled buffer and sent with its Content-Length: headers and body in one
        // write. Written straight into the response pipe instead, it went out chunked, and each chunk asked the pipe
        // for a little more than Kestrel's 4 KiB blocks, so a 100-invitation page rented (and mostly allocated) an
        // 8 KiB array per 4 KiB it wrote. The headers go first (StartAsync): a body written before them would be held
        // aside and copied again.
        using (var buffer = new PooledBufferWriter(BufferSizeFor(document)))
        {
            using (var writer = new Utf8JsonWriter(buffer, JsonApiSerializer.WriterOptions))
            {
                DocumentWriter.Write(writer, document);
            }

            response.ContentLength = buffer.WrittenCount;
            await response.StartAsync(context.RequestAborted);
            response.BodyWriter.Write(buffer.WrittenSpan);
        }

        await response.BodyWriter.FlushAsync(context.RequestAborted);
    }
}
