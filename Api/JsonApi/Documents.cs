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
    public string? Self { get; init; }

    public string? Related { get; init; }

    public string? First { get; init; }

    public string? Prev { get; init; }

    public string? Next { get; init; }
}

public sealed record ResourceIdentifier(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("id")] string Id);

public sealed record Relationship
{
    public Links? Links { get; init; }

    /// <summary>Always written: null is the linkage of an empty to-one relationship.</summary>
    public ResourceIdentifier? Data { get; init; }
}

/// <summary>A resource object (JSON:API 1.1 §7.2) that writes itself; see <see cref="DocumentWriter"/>.</summary>
public interface IResource
{
    /// <summary>The resource's own link, e.g. for <c>Location</c> and the top-level <c>self</c> of a write.</summary>
    string SelfLink { get; }

    void WriteTo(Utf8JsonWriter writer);
}

/// <summary>A resource object built from its members; for the few resources of a document that are not on the hot path.</summary>
public sealed record ResourceObject : IResource
{
    public required string Type { get; init; }

    public required string Id { get; init; }

    /// <summary>Insertion order is the order the members are written in.</summary>
    public Dictionary<string, object?>? Attributes { get; init; }

    public Dictionary<string, Relationship>? Relationships { get; init; }

    public required Links Links { get; init; }

    public string SelfLink => Links.Self!;

    public ResourceIdentifier Identifier => new(Type, Id);

    public void WriteTo(Utf8JsonWriter writer) => DocumentWriter.WriteResource(writer, this);
}

/// <summary>A top-level data document. <see cref="Data"/> is an <see cref="IResource"/>, a list of them, an identifier, or null.</summary>
public sealed record Document
{
    public required object? Data { get; init; }

    /// <summary>Present (even empty) exactly when the request asked for <c>include</c>.</summary>
    public IReadOnlyList<IResource>? Included { get; init; }

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

    /// <summary>
    /// The same escaping for documents written by <see cref="DocumentWriter"/>. Debug builds (the tests) check every write
    /// for well-formed JSON; Release builds skip the check, which the writer otherwise runs on each token of a document.
    /// </summary>
    public static JsonWriterOptions WriterOptions { get; } = new()
    {
        Encoder = Options.Encoder,
#if !DEBUG
        SkipValidation = true,
#endif
    };
}
