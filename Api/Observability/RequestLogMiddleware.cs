using System.Diagnostics;

namespace JsonApiInvites.Api.Observability;

/// <summary>
/// One line per request (SPEC §10): method, path, status, duration and, for an error, its id. The path only: the
/// query string (where the accept page's link carries its token) and the headers (where credentials travel) never
/// reach the log. The line carries the request's trace id (so do error lines); log scopes, which would add it to every
/// line, are off by default because formatting them cost a third of the line's price (bench, GET one).
/// </summary>
public sealed partial class RequestLogMiddleware(RequestDelegate next, ILogger<RequestLogMiddleware> logger)
{
    /// <summary>Where <see cref="JsonApi.ErrorWriter"/> leaves the id of the error it wrote.</summary>
    public static readonly object ErrorIdKey = new();

    public async Task InvokeAsync(HttpContext context)
    {
        if (!logger.IsEnabled(LogLevel.Information))
        {
            await next(context);
            return;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var errorId = context.Items.TryGetValue(ErrorIdKey, out var id) ? id as string : null;
            // The path as it came, still escaped: a %0A in it cannot start a forged log line.
            Served(logger, context.Request.Method, context.Request.Path.HasValue ? context.Request.Path.ToString() : "/", context.Response.StatusCode, elapsed, errorId ?? "-", TraceId());
        }
    }

    /// <summary>The request's trace id (an incoming traceparent's, or a new one), for its log lines.</summary>
    public static string TraceId() => Activity.Current is { } activity ? activity.TraceId.ToHexString() : "-";

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Method} {Path} {Status} {DurationMs:0.0} ms error {ErrorId} trace {TraceId}")]
    private static partial void Served(ILogger logger, string method, string path, int status, double durationMs, string errorId, string traceId);
}
