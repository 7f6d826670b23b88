using System.Diagnostics;

namespace JsonApiInvites.Api.Observability;

/// <summary>
/// One line per request (SPEC §10): method, path, status, duration and, for an error, its id. The path only: the
/// query string (where the accept page's link carries its token) and the headers (where credentials travel) never
/// reach the log. The line carries the request's trace id (so do error lines); log scopes, which would add it to every
/// line, are off by default because formatting them cost a third of the line's price (bench, GET one).
/// </summary>
public sealed class RequestLogMiddleware(RequestDelegate next, ILogger<RequestLogMiddleware> logger)
{
    /// <summary>
    /// The status logged for a request whose client went away before its response started (nginx's "client closed
    /// request"): nothing was sent, so the response's status, still the default 200, would claim a success.
    /// </summary>
    public const int ClientClosedRequest = 499;

    /// <summary>Where <see cref="JsonApi.ErrorWriter"/> leaves the id of the error it wrote.</summary>
    public static readonly object ErrorIdKey = new();

    public Task InvokeAsync(HttpContext context)
    {
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return next(context);
        }

        // No async state machine for a request that completes at once (most do): the line is written here.
        var started = Stopwatch.GetTimestamp();
        Task pending;
        try
        {
            pending = next(context);
        }
        catch
        {
            Served(context, started);
            throw;
        }

        if (!pending.IsCompleted)
        {
            return ServedAfterAsync(pending, context, started);
        }

        Served(context, started);
        return pending;
    }

    private async Task ServedAfterAsync(Task pending, HttpContext context, long started)
    {
        try
        {
            await pending;
        }
        finally
        {
            Served(context, started);
        }
    }

    private void Served(HttpContext context, long started)
    {
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var errorId = context.Items.TryGetValue(ErrorIdKey, out var id) ? id as string : null;
        var status = !context.Response.HasStarted && context.RequestAborted.IsCancellationRequested ? ClientClosedRequest : context.Response.StatusCode;
        var line = new RequestLine(context.Request.Method, context.Request.Path, status, elapsed, errorId, Activity.Current?.TraceId);
        logger.Log(LogLevel.Information, RequestLine.EventId, line, null, RequestLine.Formatter);
    }

    /// <summary>The request's trace id (an incoming traceparent's, or a new one), for its log lines.</summary>
    public static string TraceId() => Activity.Current is { } activity ? activity.TraceId.ToHexString() : "-";
}
