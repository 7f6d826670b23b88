namespace JsonApiInvites.Api.JsonApi;

/// <summary>
/// RFC 9110 §9.3.2: HEAD is answered as GET would be, headers and status alike, without the body. MVC routes only
/// GET, so HEAD runs the GET pipeline with the body discarded.
/// </summary>
public sealed class HeadRequestMiddleware(RequestDelegate next)
{
    // Every other request passes straight through, without an async state machine of its own.
    public Task InvokeAsync(HttpContext context) => HttpMethods.IsHead(context.Request.Method) ? AsGetAsync(context) : next(context);

    private async Task AsGetAsync(HttpContext context)
    {
        var body = context.Response.Body;
        context.Request.Method = HttpMethods.Get;
        context.Response.Body = Stream.Null;
        try
        {
            await next(context);
        }
        finally
        {
            context.Request.Method = HttpMethods.Head;
            context.Response.Body = body;
        }
    }
}
