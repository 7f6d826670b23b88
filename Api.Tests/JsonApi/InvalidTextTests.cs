using System.Net;
using System.Net.Http.Headers;
using System.Text;
using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.JsonApi;

/// <summary>
/// Strings that are not Unicode text (invalid UTF-8 bytes, escaped unpaired surrogates) in any string or member name
/// of a request document: 400 at the culprit, never a 500, for every route that reads a document.
/// </summary>
public sealed class InvalidTextTests(DatabaseKind database) : SharedAppTests(database)
{
    private const string Beta = "2024-10-15~beta";
    private Guid _invitation;

    protected override async Task OnStartedAsync() => _invitation = await Client.CreateInvitationAsync(Org, "ada@example.com");

    /// <summary>Sends <paramref name="json"/> with <c>BAD</c> replaced by the given raw bytes (so invalid UTF-8 can be sent).</summary>
    private async Task<ApiResponse> Send(HttpMethod method, string url, string json, byte[] bad)
    {
        var parts = json.Split("BAD");
        var body = new List<byte>();
        for (var i = 0; i < parts.Length; i++)
        {
            body.AddRange(Encoding.UTF8.GetBytes(parts[i]));
            if (i < parts.Length - 1)
            {
                body.AddRange(bad);
            }
        }

        using var request = new HttpRequestMessage(method, url) { Content = new ByteArrayContent([.. body]) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(JsonApiClient.MediaType);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Org.Token);
        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonApiRules.Assert((int)response.StatusCode, text);
        return new ApiResponse(response.StatusCode, response.Headers, response.Content.Headers, text);
    }

    public static IEnumerable<TestCaseData> BadText()
    {
        yield return new TestCaseData(Encoding.ASCII.GetBytes("\\ud800")).SetArgDisplayNames("unpaired high surrogate escape");
        yield return new TestCaseData(Encoding.ASCII.GetBytes("\\udc00x")).SetArgDisplayNames("unpaired low surrogate escape");
        yield return new TestCaseData(new byte[] { 0xC3, 0x28 }).SetArgDisplayNames("invalid UTF-8 sequence");
        yield return new TestCaseData(new byte[] { 0xFF }).SetArgDisplayNames("byte that is never UTF-8");
        yield return new TestCaseData(new byte[] { 0xED, 0xA0, 0x80 }).SetArgDisplayNames("UTF-8-encoded surrogate");
    }

    private string Create(string attributes = "\"email\":\"ada2@example.com\"", string roleId = "ROLE", string type = "site_invitation") =>
        "{\"data\":{\"type\":\"" + type + "\",\"attributes\":{" + attributes + "},\"relationships\":{\"role\":{\"data\":{\"type\":\"role\",\"id\":\""
        + roleId.Replace("ROLE", Org.Roles["viewer"].ToString(), StringComparison.Ordinal) + "\"}}}}}";

    [TestCaseSource(nameof(BadText))]
    public async Task Creating_is_400_at_the_culprit(byte[] bad)
    {
        var cases = new (string Body, string Pointer)[]
        {
            (Create("\"email\":\"BAD@example.com\""), "/data/attributes/email"),
            (Create("\"emBADail\":\"x@example.com\""), "/data/attributes"),
            (Create(roleId: "BAD"), "/data/relationships/role/data/id"),
            (Create(type: "site_BAD"), "/data/type"),
            ("{\"BAD\":1," + Create()[1..], ""),
            ("{\"meta\":{\"note\":[\"fine\",\"BAD\"]}," + Create()[1..], "/meta/note/1"),
        };

        foreach (var (body, pointer) in cases)
        {
            var response = await Send(HttpMethod.Post, Org.Invites(Beta), body, bad);

            response.AssertError(HttpStatusCode.BadRequest, pointer: pointer);
            Assert.That(response.Error["code"]!.GetValue<string>(), Is.EqualTo("invalid_document"), body);
        }

        Assert.That((await App.Data.InvitationsAsync()).Select(i => i.Email), Has.None.EqualTo("ada2@example.com").And.None.EqualTo("x@example.com"), "nothing was written");
    }

    [TestCaseSource(nameof(BadText))]
    public async Task Updating_an_invitation_and_its_role_link_is_400_at_the_culprit(byte[] bad)
    {
        var id = _invitation.ToString();
        var update = await Send(
            HttpMethod.Patch,
            Org.Invite(_invitation, version: Beta),
            "{\"data\":{\"type\":\"site_invitation\",\"id\":\"" + id + "\",\"relationships\":{\"role\":{\"data\":{\"type\":\"role\",\"id\":\"BAD\"}}}}}",
            bad);
        var updateName = await Send(
            HttpMethod.Patch, Org.Invite(_invitation, version: Beta), "{\"data\":{\"type\":\"site_invitation\",\"id\":\"" + id + "\",\"attributes\":{\"BAD\":1}}}", bad);
        var linkage = await Send(HttpMethod.Patch, Org.Invite(_invitation, "/relationships/role", Beta), "{\"data\":{\"type\":\"role\",\"id\":\"BAD\"}}", bad);

        update.AssertError(HttpStatusCode.BadRequest, pointer: "/data/relationships/role/data/id");
        updateName.AssertError(HttpStatusCode.BadRequest, pointer: "/data/attributes");
        linkage.AssertError(HttpStatusCode.BadRequest, pointer: "/data/id");
        Assert.That((await App.Data.InvitationAsync(_invitation)).RoleId, Is.EqualTo(Org.Roles["collaborator"]));
    }

    [Test]
    public async Task Valid_surrogate_pairs_and_non_ASCII_text_are_text()
    {
        var body = Create("\"email\":\"zo\\u00eb@example.com\"").Replace("{\"data\"", "{\"@note\":\"\\ud83d\\ude00 BAD\",\"data\"", StringComparison.Ordinal);

        var response = await Send(HttpMethod.Post, Org.Invites(Beta), body, Encoding.UTF8.GetBytes("\u00e9\U0001F600"));

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Created), response.Body);
        Assert.That(response.Json["data"]!["attributes"]!["email"]!.GetValue<string>(), Is.EqualTo("zo\u00eb@example.com"));
    }
}
