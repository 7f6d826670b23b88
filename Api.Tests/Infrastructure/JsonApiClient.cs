using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace JsonApiInvites.Api.Tests.Infrastructure;

/// <summary>A response read once: status, headers and the parsed body.</summary>
public sealed record ApiResponse(HttpStatusCode Status, HttpResponseHeaders Headers, HttpContentHeaders? ContentHeaders, string Body)
{
    public JsonNode Json => JsonNode.Parse(Body) ?? throw new InvalidOperationException("Empty body.");

    public string? Header(string name) =>
        Headers.TryGetValues(name, out var values) ? string.Join(", ", values)
        : ContentHeaders is not null && ContentHeaders.TryGetValues(name, out var contentValues) ? string.Join(", ", contentValues)
        : null;

    /// <summary>Asserts a one-error document with this status whose <c>source</c> names the parameter or pointer given.</summary>
    public void AssertError(HttpStatusCode status, string? parameter = null, string? pointer = null)
    {
        Assert.That(Status, Is.EqualTo(status), Body);
        if (parameter is not null)
        {
            Assert.That(Error["source"]?["parameter"]?.GetValue<string>(), Is.EqualTo(parameter), Body);
        }

        if (pointer is not null)
        {
            Assert.That(Error["source"]?["pointer"]?.GetValue<string>(), Is.EqualTo(pointer), Body);
        }
    }

    /// <summary>The single error object of an error document.</summary>
    public JsonNode Error
    {
        get
        {
            var errors = Json["errors"]!.AsArray();
            Assert.That(errors, Has.Count.EqualTo(1), Body);
            return errors[0]!;
        }
    }
}

public static class JsonApiClient
{
    public const string MediaType = "application/vnd.api+json";

    public static async Task<ApiResponse> SendAsync(
        this HttpClient client,
        HttpMethod method,
        string url,
        string? token,
        string? body = null,
        string contentType = MediaType,
        Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        configure?.Invoke(request);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (text.Length > 0)
        {
            // Every body of the versioned API is a JSON:API document: checked here for every test that calls it.
            Assert.That(response.Content.Headers.ContentType?.ToString(), Is.EqualTo(MediaType), text);
            JsonApiRules.Assert((int)response.StatusCode, text);
        }

        // ...and matches the OpenAPI document of the version that served it.
        var served = response.Headers.TryGetValues("api-version-served", out var values) ? values.First() : null;
        var contract = OpenApiContract.Check(method, new Uri(url, UriKind.RelativeOrAbsolute), (int)response.StatusCode, served, text);
        Assert.That(contract, Is.Empty, text);

        return new ApiResponse(response.StatusCode, response.Headers, response.Content.Headers, text);
    }

    public static Task<ApiResponse> GetAsync(this HttpClient client, string url, string? token) => client.SendAsync(HttpMethod.Get, url, token);

    public static Task<ApiResponse> DeleteAsync(this HttpClient client, string url, string? token) => client.SendAsync(HttpMethod.Delete, url, token);

    public static Task<ApiResponse> PostAsync(this HttpClient client, string url, string? token, object body) =>
        client.SendAsync(HttpMethod.Post, url, token, body as string ?? JsonSerializer.Serialize(body));

    /// <summary>A create document for <c>site_invitation</c>.</summary>
    public static object NewInvitation(string email, Guid roleId) => new
    {
        data = new
        {
            type = "site_invitation",
            attributes = new { email },
            relationships = new { role = new { data = new { type = "role", id = roleId.ToString() } } },
        },
    };

    public static async Task<Guid> CreateInvitationAsync(this HttpClient client, TestOrganization org, string email, string role = "collaborator")
    {
        var response = await client.PostAsync(org.Invites(), org.Token, NewInvitation(email, org.Roles[role]));
        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Created), response.Body);
        return Guid.Parse(response.Json["data"]!["id"]!.GetValue<string>());
    }
}
