using System.Globalization;
using System.Text.Json;

namespace JsonApiInvites.Api.JsonApi;

/// <summary>The one place error documents are written; every error id is logged with the request it belongs to.</summary>
public sealed class ErrorWriter(ILogger<ErrorWriter> logger)
{
    public async Task WriteAsync(HttpContext context, ErrorObject error, IReadOnlyDictionary<string, string>? headers = null, Exception? exception = null)
    {
        var id = Guid.NewGuid().ToString("D");
        context.Items[Observability.RequestLogMiddleware.ErrorIdKey] = id;
        if (error.Status == 503)
        {
            // The storage failing, not this server: one line with the cause, no stack trace per refused request.
            logger.LogWarning("Error {ErrorId} {Status} {Code} on {Method} {Path} trace {TraceId}: {Cause}", id, error.Status, error.Code, context.Request.Method, context.Request.Path, Observability.RequestLogMiddleware.TraceId(), exception?.Message);
        }
        else if (error.Status >= 500)
        {
            logger.LogError(exception, "Error {ErrorId} {Status} {Code} on {Method} {Path} trace {TraceId}", id, error.Status, error.Code, context.Request.Method, context.Request.Path, Observability.RequestLogMiddleware.TraceId());
        }
        else
        {
            logger.LogInformation("Error {ErrorId} {Status} {Code} on {Method} {Path} trace {TraceId}", id, error.Status, error.Code, context.Request.Method, context.Request.Path, Observability.RequestLogMiddleware.TraceId());
        }

        var response = context.Response;
        response.StatusCode = error.Status;
        response.ContentType = JsonApiMediaType.Value;
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            response.Headers[name] = value;
        }

        var document = new ErrorDocument(
        [
            new ErrorJson(id, error.Status.ToString(CultureInfo.InvariantCulture), error.Code, error.Title, error.Detail, error.Source),
        ]);
        // Sent with its length, as every document is (a few hundred bytes).
        var body = JsonSerializer.SerializeToUtf8Bytes(document, JsonApiSerializer.Options);
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, CancellationToken.None);
    }
}
