using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.JsonApi;

public sealed class ContentNegotiationTests(DatabaseKind database) : SharedAppTests(database)
{
    private int _emails;

    private string NewBody() => JsonSerializer.Serialize(JsonApiClient.NewInvitation($"user{++_emails}@example.com", Org.Roles["viewer"]));

    [TestCase("application/json")]
    [TestCase("text/plain")]
    [TestCase("application/vnd.api+json; charset=utf-8")]
    [TestCase("application/vnd.api+json; ext=\"https://jsonapi.org/ext/atomic\"")]
    public async Task Cannot_send_a_document_with_another_content_type(string contentType)
    {
        var response = await Client.SendAsync(HttpMethod.Post, Org.Invites(), Org.Token, NewBody(), contentType);

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.UnsupportedMediaType), response.Body);
        Assert.That(response.Error["source"]!["header"]!.GetValue<string>(), Is.EqualTo("Content-Type"));
    }

    [Test]
    public async Task Reports_an_unsupported_content_type()
    {
        var response = await Client.SendAsync(HttpMethod.Post, Org.Invites(), Org.Token, NewBody(), "application/json");

        Snapshot.Match(response);
    }

    [Test]
    public async Task Accepts_a_profile_parameter_in_the_content_type()
    {
        var response = await Client.SendAsync(HttpMethod.Post, Org.Invites(), Org.Token, NewBody(), "application/vnd.api+json; profile=\"https://example.com/profile\"");

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Created), response.Body);
    }

    [TestCase("application/vnd.api+json; charset=utf-8")]
    [TestCase("application/vnd.api+json; version=1")]
    [TestCase("application/vnd.api+json; ext=\"https://jsonapi.org/ext/atomic\"")]
    [TestCase("application/vnd.api+json; charset=utf-8, */*")]
    public async Task Refuses_when_every_json_api_accept_entry_is_unusable(string accept)
    {
        var response = await Client.SendAsync(HttpMethod.Get, Org.Invites(), Org.Token, configure: r => r.Headers.TryAddWithoutValidation("Accept", accept));

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NotAcceptable), response.Body);
        Assert.That(response.Header("Content-Type"), Is.EqualTo("application/vnd.api+json"));
    }

    [TestCase("application/vnd.api+json")]
    [TestCase("application/vnd.api+json; charset=utf-8, application/vnd.api+json")]
    [TestCase("application/vnd.api+json; profile=\"https://example.com/p\"")]
    [TestCase("application/vnd.api+json; q=0.9")]
    [TestCase("application/json")]
    [TestCase("*/*")]
    [TestCase("text/html")]
    public async Task Serves_json_api_for_any_other_accept(string accept)
    {
        var response = await Client.SendAsync(HttpMethod.Get, Org.Invites(), Org.Token, configure: r => r.Headers.TryAddWithoutValidation("Accept", accept));

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK), response.Body);
        Assert.That(response.Header("Content-Type"), Is.EqualTo("application/vnd.api+json"));
        Assert.That(response.Header("Vary"), Is.EqualTo("Accept"));
    }

    [Test]
    public async Task Reports_an_unacceptable_accept_header()
    {
        var response = await Client.SendAsync(HttpMethod.Get, Org.Invites(), Org.Token, configure: r => r.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("application/vnd.api+json; charset=utf-8")));

        Snapshot.Match(response);
    }
}
