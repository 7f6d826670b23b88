using System.Text.Json.Serialization;

namespace JsonApiInvites.Api.JsonApi;

/// <summary>Where an error comes from: exactly one member is set.</summary>
public sealed record ErrorSource(
    [property: JsonPropertyName("pointer"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Pointer = null,
    [property: JsonPropertyName("parameter"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Parameter = null,
    [property: JsonPropertyName("header"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Header = null)
{
    public static ErrorSource AtPointer(string pointer) => new(Pointer: pointer);

    public static ErrorSource AtParameter(string parameter) => new(Parameter: parameter);

    public static ErrorSource AtHeader(string header) => new(Header: header);
}

/// <summary>A JSON:API error object without its id, which is assigned when the error is written (and logged).</summary>
public sealed record ErrorObject(int Status, string Code, string Title, string Detail, ErrorSource? Source = null);

/// <summary>Thrown anywhere in request handling; the error middleware turns it into an error document.</summary>
public sealed class JsonApiException(ErrorObject error, IReadOnlyDictionary<string, string>? headers = null) : Exception(error.Detail)
{
    public ErrorObject Error { get; } = error;

    /// <summary>Extra response headers such as <c>WWW-Authenticate</c> or <c>Retry-After</c>.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; } = headers;
}
