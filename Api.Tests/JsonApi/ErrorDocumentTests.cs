using System.Net;
using Dapper;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.JsonApi;

public sealed class ErrorDocumentTests
{
    private TestApp _app = null!;
    private HttpClient _client = null!;
    private TestOrganization _org = null!;

    [SetUp]
    public async Task Start()
    {
        _app = new TestApp();
        _client = _app.CreateClient();
        _org = await _app.CreateOrganizationAsync();
    }

    [TearDown]
    public void Stop()
    {
        _client.Dispose();
        _app.Dispose();
    }

    [Test]
    public async Task An_unknown_path_is_a_json_api_404()
    {
        var response = await _client.GetAsync("/nothing/here?version=2021-06-04", _org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Snapshot.Match(response);
    }

    [Test]
    public async Task An_unsupported_method_is_a_json_api_405()
    {
        var response = await _client.SendAsync(HttpMethod.Put, _org.Invites(), _org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
        Snapshot.Match(response);
    }

    [Test]
    public async Task An_unexpected_failure_is_a_json_api_500_whose_id_is_logged()
    {
        using (var db = _app.OpenDatabase())
        {
            await db.ExecuteAsync("DROP TABLE invitations");
        }

        var response = await _client.GetAsync(_org.Invites(), _org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.InternalServerError));
        Snapshot.Match(response);
        var id = response.Error["id"]!.GetValue<string>();
        Assert.That(_app.Logs.Lines.Where(l => l.Contains(id, StringComparison.Ordinal) && l.StartsWith("Error", StringComparison.Ordinal)), Has.Exactly(1).Items);
        Assert.That(response.Body, Does.Not.Contain("invitations"), "no internals leak into the response");
    }

    [Test]
    public async Task Every_client_error_id_is_logged()
    {
        var response = await _client.GetAsync(_org.Invites("2021-06-04", "&bogus=1"), _org.Token);

        var id = response.Error["id"]!.GetValue<string>();
        Assert.That(_app.Logs.Lines.Any(l => l.Contains(id, StringComparison.Ordinal)), Is.True);
    }

    [Test]
    public async Task Tokens_never_reach_the_logs()
    {
        await _client.GetAsync(_org.Invites(), _org.Token);
        await _client.GetAsync(_org.Invites(), "jai_wrong");

        Assert.That(_app.Logs.Lines.Where(l => l.Contains(_org.Token, StringComparison.Ordinal) || l.Contains("jai_wrong", StringComparison.Ordinal)), Is.Empty);
    }
}
