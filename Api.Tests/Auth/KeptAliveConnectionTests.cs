using System.Net;
using System.Net.Sockets;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.Auth;

/// <summary>
/// An HTTP/1.1 connection remembers its last token's hash (hashing it was a measurable part of every request): on one
/// kept-alive connection, as a proxy carrying several clients' requests would use it, every request is still answered
/// for the token it presents.
/// </summary>
public sealed class KeptAliveConnectionTests(DatabaseKind database) : EveryDatabaseTests(database)
{
    [Test]
    public async Task Every_request_on_one_connection_is_answered_for_its_own_token()
    {
        var app = Track(new TestApp(Database));
        var server = app.StartListening(); // real Kestrel: connections, and their items, as in production
        var acme = await app.CreateOrganizationAsync("Acme");
        var globex = await app.CreateOrganizationAsync("Globex");
        var connections = 0;
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1,
            ConnectCallback = async (context, cancellationToken) =>
            {
                Interlocked.Increment(ref connections);
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using var client = new HttpClient(handler) { BaseAddress = server };
        // The same length as Acme's token, one character changed: it must not pass for the token before it.
        var forged = acme.Token[..^1] + (acme.Token[^1] == 'A' ? 'B' : 'A');

        async Task<HttpStatusCode> Get(TestOrganization org, string? authorization)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, org.RolesPath());
            if (authorization is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }

        var answers = new[]
        {
            await Get(acme, $"Bearer {acme.Token}"),
            await Get(acme, $"Bearer {acme.Token}"),
            await Get(globex, $"Bearer {acme.Token}"), // Acme's token on Globex's route
            await Get(globex, $"Bearer {globex.Token}"),
            await Get(acme, $"Bearer {globex.Token}"), // and Globex's on Acme's
            await Get(acme, $"Bearer {forged}"),
            await Get(acme, null),
            await Get(acme, $"token {acme.Token}"),
            await Get(acme, $"Bearer {forged}"),
            await Get(acme, $"Bearer {acme.Token}"),
        };

        Assert.That(answers, Is.EqualTo(new[]
        {
            HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.NotFound, HttpStatusCode.OK, HttpStatusCode.NotFound,
            HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.OK, HttpStatusCode.Unauthorized, HttpStatusCode.OK,
        }));
        Assert.That(connections, Is.EqualTo(1), "every request went over the one kept-alive connection");
    }
}
