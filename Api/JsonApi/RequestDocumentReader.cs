using System.Text.Json;

namespace JsonApiInvites.Api.JsonApi;

/// <summary>The resource object of a create or update request, structurally checked.</summary>
public sealed record ResourceInput(
    IReadOnlyDictionary<string, JsonElement> Attributes,
    IReadOnlyDictionary<string, ResourceIdentifier?> Relationships);

/// <summary>
/// Reads a request document and checks its JSON:API structure, reporting each problem with the exact
/// <c>source.pointer</c>: malformed JSON and wrong shapes are 400, a client-generated id 403, a wrong type 409.
/// </summary>
public static class RequestDocumentReader
{
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 32 };

    public static async Task<JsonDocument> ParseAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > RequestLimits.MaxBodyBytes)
            {
                throw new JsonApiException(Errors.PayloadTooLarge(RequestLimits.MaxBodyBytes));
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            throw new JsonApiException(Errors.InvalidDocument("", "The request body must be a JSON:API document with a top-level 'data' member."));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ParseOptions);
        }
        catch (JsonException exception)
        {
            var where = exception.LineNumber is { } line ? $" at line {line + 1}, position {exception.BytePositionInLine + 1}" : string.Empty;
            throw new JsonApiException(Errors.MalformedJson($"The request body is not valid JSON{where}."));
        }

        try
        {
            EnsureText(document.RootElement, "");
            return document;
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Every string and member name of a request document must be Unicode text: the JSON parser lets through invalid
    /// UTF-8 bytes and escaped unpaired surrogates (<c>"\ud800"</c>), which no reader of the document can take (and
    /// .NET throws on). Checked once here, before anything reads the document: 400 at the culprit's pointer (a bad
    /// member name at the object holding it, since the name itself cannot be written into a pointer).
    /// </summary>
    private static void EnsureText(JsonElement element, string pointer)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                if (!TryGetText(element.GetString, out _))
                {
                    throw new JsonApiException(Errors.InvalidDocument(pointer, "This string is not valid Unicode text (invalid UTF-8, or an unpaired surrogate escape such as \\ud800)."));
                }

                break;
            case JsonValueKind.Object:
                foreach (var member in element.EnumerateObject())
                {
                    if (!TryGetText(() => member.Name, out var name))
                    {
                        throw new JsonApiException(Errors.InvalidDocument(pointer, "A member name of this object is not valid Unicode text (invalid UTF-8, or an unpaired surrogate escape such as \\ud800)."));
                    }

                    EnsureText(member.Value, pointer + "/" + Escape(name));
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    EnsureText(item, pointer + "/" + index++);
                }

                break;
        }
    }

    private static bool TryGetText(Func<string?> read, out string text)
    {
        try
        {
            text = read() ?? string.Empty;
        }
        catch (InvalidOperationException)
        {
            text = string.Empty;
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Checks a create document: top level, <c>data</c>, <c>type</c>, no <c>id</c>, and the shapes of attributes and relationships.</summary>
    public static ResourceInput ReadForCreate(JsonElement root, string expectedType)
    {
        var data = ReadData(root);
        if (data.TryGetProperty("id", out _))
        {
            throw new JsonApiException(Errors.ClientGeneratedId("/data/id"));
        }

        return ReadResource(data, expectedType);
    }

    /// <summary>Checks an update document: as for create, but <c>id</c> is required and must be the id in the URL (else 409).</summary>
    public static ResourceInput ReadForUpdate(JsonElement root, string expectedType, string expectedId)
    {
        var data = ReadData(root);
        if (!data.TryGetProperty("id", out var id))
        {
            throw new JsonApiException(Errors.InvalidDocument("/data", "The resource object of an update must have an 'id'."));
        }

        if (id.ValueKind != JsonValueKind.String)
        {
            throw new JsonApiException(Errors.InvalidDocument("/data/id", "'id' must be a string."));
        }

        var input = ReadResource(data, expectedType);
        if (!string.Equals(id.GetString(), expectedId, StringComparison.OrdinalIgnoreCase))
        {
            throw new JsonApiException(Errors.IdMismatch("/data/id", id.GetString()!, expectedId));
        }

        return input;
    }

    /// <summary>Checks a to-one relationship document (<c>{"data": identifier or null}</c>) and returns its linkage.</summary>
    public static ResourceIdentifier? ReadToOneDocument(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonApiException(Errors.InvalidDocument("", "The request body must be a JSON object."));
        }

        if (root.TryGetProperty("errors", out _))
        {
            throw new JsonApiException(Errors.InvalidDocument("/errors", "A request document must not contain 'errors'."));
        }

        return ReadToOne(root, "");
    }

    private static JsonElement ReadData(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonApiException(Errors.InvalidDocument("", "The request body must be a JSON object."));
        }

        // JSON:API 1.1: members a server does not recognize (and every @-member) are ignored; data and errors never coexist.
        if (root.TryGetProperty("errors", out _))
        {
            throw new JsonApiException(Errors.InvalidDocument("/errors", "A request document must not contain 'errors'."));
        }

        if (!root.TryGetProperty("data", out var data))
        {
            throw new JsonApiException(Errors.InvalidDocument("", "The document must have a top-level 'data' member."));
        }

        if (data.ValueKind != JsonValueKind.Object)
        {
            throw new JsonApiException(Errors.InvalidDocument("/data", "'data' must be a resource object."));
        }

        return data;
    }

    private static ResourceInput ReadResource(JsonElement data, string expectedType)
    {
        if (!data.TryGetProperty("type", out var type))
        {
            throw new JsonApiException(Errors.InvalidDocument("/data", "The resource object must have a 'type'."));
        }

        if (type.ValueKind != JsonValueKind.String)
        {
            throw new JsonApiException(Errors.InvalidDocument("/data/type", "'type' must be a string."));
        }

        if (type.GetString() != expectedType)
        {
            throw new JsonApiException(Errors.TypeMismatch("/data/type", type.GetString()!, expectedType));
        }

        var attributes = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (data.TryGetProperty("attributes", out var attributesElement))
        {
            if (attributesElement.ValueKind != JsonValueKind.Object)
            {
                throw new JsonApiException(Errors.InvalidDocument("/data/attributes", "'attributes' must be an object."));
            }

            foreach (var attribute in attributesElement.EnumerateObject().Where(a => !IsAtMember(a.Name)))
            {
                attributes[attribute.Name] = attribute.Value;
            }
        }

        var relationships = new Dictionary<string, ResourceIdentifier?>(StringComparer.Ordinal);
        if (data.TryGetProperty("relationships", out var relationshipsElement))
        {
            if (relationshipsElement.ValueKind != JsonValueKind.Object)
            {
                throw new JsonApiException(Errors.InvalidDocument("/data/relationships", "'relationships' must be an object."));
            }

            foreach (var relationship in relationshipsElement.EnumerateObject().Where(r => !IsAtMember(r.Name)))
            {
                relationships[relationship.Name] = ReadToOne(relationship.Value, "/data/relationships/" + Escape(relationship.Name));
            }
        }

        return new ResourceInput(attributes, relationships);
    }

    private static ResourceIdentifier? ReadToOne(JsonElement relationship, string pointer)
    {
        if (relationship.ValueKind != JsonValueKind.Object)
        {
            throw new JsonApiException(Errors.InvalidDocument(pointer, "A relationship must be an object with a 'data' member."));
        }

        if (!relationship.TryGetProperty("data", out var data))
        {
            throw new JsonApiException(Errors.InvalidDocument(pointer, "The relationship must have a 'data' member."));
        }

        if (data.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (data.ValueKind != JsonValueKind.Object)
        {
            throw new JsonApiException(Errors.InvalidDocument(pointer + "/data", "Relationship 'data' must be a resource identifier object or null."));
        }

        if (!data.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            throw new JsonApiException(Errors.InvalidDocument(pointer + "/data/type", "A resource identifier must have a string 'type'."));
        }

        if (!data.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String)
        {
            throw new JsonApiException(Errors.InvalidDocument(pointer + "/data/id", "A resource identifier must have a string 'id'."));
        }

        return new ResourceIdentifier(type.GetString()!, id.GetString()!);
    }

    /// <summary>JSON:API 1.1 §5.5: members whose names start with '@' are not part of the document and are ignored.</summary>
    private static bool IsAtMember(string name) => name.StartsWith('@');

    /// <summary>RFC 6901 escaping of one reference token.</summary>
    public static string Escape(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
