using JsonApiInvites.Api.Observability;
using JsonApiInvites.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace JsonApiInvites.Api.Tests.Observability;

/// <summary>The request line's status when nothing was sent: the request log middleware alone, around a handler that ends as an aborted request does.</summary>
public sealed class RequestLogTests
{
    [Test]
    public async Task A_request_whose_client_went_away_before_its_answer_is_logged_499_not_200()
    {
        var (sink, line) = await LogOneAsync(aborted: true, respond: null);

        Assert.That(line, Does.Match(@"POST /orgs/o/invites 499 \d+\.\d ms error -"), string.Join("\n", sink.Lines));
    }

    [Test]
    public async Task A_request_answered_keeps_its_status_even_if_its_client_left_afterwards()
    {
        var (_, answered) = await LogOneAsync(aborted: true, respond: 201);
        var (_, whole) = await LogOneAsync(aborted: false, respond: null);

        Assert.That(answered, Does.Contain("POST /orgs/o/invites 201 "));
        Assert.That(whole, Does.Contain("POST /orgs/o/invites 200 "));
    }

    private static async Task<(LogSink Sink, string Line)> LogOneAsync(bool aborted, int? respond)
    {
        var sink = new LogSink();
        using var factory = LoggerFactory.Create(logging => logging.AddProvider(sink));
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/orgs/o/invites";
        var response = new StartedResponse();
        context.Features.Set<Microsoft.AspNetCore.Http.Features.IHttpResponseFeature>(response);
        using var client = new CancellationTokenSource();
        context.RequestAborted = client.Token;

        var middleware = new RequestLogMiddleware(
            async http =>
            {
                await Task.Yield();
                if (respond is { } status)
                {
                    http.Response.StatusCode = status;
                    response.Start();
                }

                if (aborted)
                {
                    await client.CancelAsync();
                }
            },
            factory.CreateLogger<RequestLogMiddleware>());
        await middleware.InvokeAsync(context);

        return (sink, sink.Lines.Single(l => l.Contains("RequestLogMiddleware", StringComparison.Ordinal)));
    }

    /// <summary>A response feature whose <c>HasStarted</c> the handler sets, as a server's does once it sends the headers.</summary>
    private sealed class StartedResponse : Microsoft.AspNetCore.Http.Features.HttpResponseFeature
    {
        private bool _started;

        public void Start() => _started = true;

        public override bool HasStarted => _started;
    }
}
