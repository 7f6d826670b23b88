using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace JsonApiInvites.Api.JsonApi;

public static class JsonApiMediaType
{
    public const string Value = "application/vnd.api+json";
}

public sealed class JsonApiObject
{
    public static JsonApiObject V11 { get; } = new();

    [JsonPropertyName("version")]
    public string Version => "1.1";
}

public sealed record Links
{
    [JsonPropertyName("self"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Self { get; init; }

    [JsonPropertyName("related"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Related { get; init; }

    [JsonPropertyName("first"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? First { get; init; }

    [JsonPropertyName("prev"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Prev { get; init; }

    [JsonPropertyName("next"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Next { get; init; }
}

public sealed record ResourceIdentifier(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("id")] string Id);

public sealed record Relationship
{
    [JsonPropertyName("links"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Links? Links { get; init; }

    /// <summary>Always written: null is the linkage of an empty to-one relationship.</summary>
    [JsonPropertyName("data")]
    public ResourceIdentifier? Data { get; init; }
}

[JsonConverter(typeof(ResourceObjectConverter))]
public sealed record ResourceObject
{
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>Insertion order is the order the members are written in.</summary>
    [JsonPropertyName("attributes"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, object?>? Attributes { get; init; }

    [JsonPropertyName("relationships"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, Relationship>? Relationships { get; init; }

    [JsonPropertyName("links")]
    public required Links Links { get; init; }

    [JsonIgnore]
    public ResourceIdentifier Identifier => new(Type, Id);
}

/// <summary>A top-level data document. <see cref="Data"/> is a resource, a list of resources, an identifier, or null.</summary>
public sealed record Document
{
    [JsonPropertyName("jsonapi")]
    public JsonApiObject JsonApi => JsonApiObject.V11;

    [JsonPropertyName("data")]
    public required object? Data { get; init; }

    /// <summary>Present (even empty) exactly when the request asked for <c>include</c>.</summary>
    [JsonPropertyName("included"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ResourceObject>? Included { get; init; }

    [JsonPropertyName("links")]
    public required Links Links { get; init; }
}

public sealed record ErrorJson(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("detail")] string Detail,
    [property: JsonPropertyName("source"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ErrorSource? Source);

public sealed record ErrorDocument([property: JsonPropertyName("errors")] IReadOnlyList<ErrorJson> Errors)
{
    [JsonPropertyName("jsonapi"), JsonPropertyOrder(-1)]
    public JsonApiObject JsonApi => JsonApiObject.V11;
}

public static class JsonApiSerializer
{
    /// <summary>Relaxed escaping keeps '+' and non-ASCII readable; responses are never embedded in HTML.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
