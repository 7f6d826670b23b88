using System.Net;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.JsonApi;

public sealed class ErrorDocumentTests(DatabaseKind database) : FreshAppTests(database)
{
    [Test]
    public async Task An_unknown_path_is_a_json_api_404()
    {
        var response = await Client.GetAsync("/nothing/here?version=2021-06-04", Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Snapshot.Match(response);
    }

    [Test]
    public async Task An_unsupported_method_is_a_json_api_405()
    {
        var response = await Client.SendAsync(HttpMethod.Put, Org.Invites(), Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
        Snapshot.Match(response);
    }

    [Test]
    public async Task An_unexpected_failure_is_a_json_api_500_whose_id_is_logged()
    {
        await App.Data.BreakInvitationsTableAsync();

        var response = await Client.GetAsync(Org.Invites(), Org.Token);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.InternalServerError));
        Snapshot.Match(response);
        var id = response.Error["id"]!.GetValue<string>();
        Assert.That(App.Logs.Lines.Where(l => l.Contains(id, StringComparison.Ordinal) && l.StartsWith("Error", StringComparison.Ordinal)), Has.Exactly(1).Items);
        Assert.That(response.Body, Does.Not.Contain("invitations"), "no internals leak into the response");
    }

    [Test]
    public async Task Every_client_error_id_is_logged()
    {
        var response = await Client.GetAsync(Org.Invites("2021-06-04", "&bogus=1"), Org.Token);

        var id = response.Error["id"]!.GetValue<string>();
        Assert.That(App.Logs.Lines.Any(l => l.Contains(id, StringComparison.Ordinal)), Is.True);
    }

    [Test]
    public async Task Tokens_never_reach_the_logs()
    {
        await Client.GetAsync(Org.Invites(), Org.Token);
        await Client.GetAsync(Org.Invites(), "jai_wrong");

        Assert.That(App.Logs.Lines.Where(l => l.Contains(Org.Token, StringComparison.Ordinal) || l.Contains("jai_wrong", StringComparison.Ordinal)), Is.Empty);
    }
}
