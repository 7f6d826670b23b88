using System.Text.Json;
using System.Text.Json.Serialization;

namespace JsonApiInvites.Api.JsonApi;

/// <summary>
/// Writes resource objects straight to the <see cref="Utf8JsonWriter"/>: the hot path of every response (a list of
/// 100 invitations is 100 of these). Attribute values are the few kinds resources use; anything else falls back to
/// the serializer. Reading is not needed: request documents are read by <see cref="RequestDocumentReader"/>.
/// </summary>
public sealed class ResourceObjectConverter : JsonConverter<ResourceObject>
{
    private static readonly JsonEncodedText TypeName = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText IdName = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText AttributesName = JsonEncodedText.Encode("attributes");
    private static readonly JsonEncodedText RelationshipsName = JsonEncodedText.Encode("relationships");
    private static readonly JsonEncodedText LinksName = JsonEncodedText.Encode("links");
    private static readonly JsonEncodedText DataName = JsonEncodedText.Encode("data");
    private static readonly JsonEncodedText SelfName = JsonEncodedText.Encode("self");
    private static readonly JsonEncodedText RelatedName = JsonEncodedText.Encode("related");

    public override ResourceObject Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("Resource objects are written, not read, with this converter.");

    public override void Write(Utf8JsonWriter writer, ResourceObject value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString(TypeName, value.Type);
        writer.WriteString(IdName, value.Id);
        if (value.Attributes is { } attributes)
        {
            writer.WriteStartObject(AttributesName);
            foreach (var (name, attribute) in attributes)
            {
                writer.WritePropertyName(name);
                WriteValue(writer, attribute, options);
            }

            writer.WriteEndObject();
        }

        if (value.Relationships is { } relationships)
        {
            writer.WriteStartObject(RelationshipsName);
            foreach (var (name, relationship) in relationships)
            {
                writer.WriteStartObject(name);
                if (relationship.Links is { } links)
                {
                    writer.WritePropertyName(LinksName);
                    WriteLinks(writer, links);
                }

                writer.WritePropertyName(DataName);
                if (relationship.Data is { } data)
                {
                    writer.WriteStartObject();
                    writer.WriteString(TypeName, data.Type);
                    writer.WriteString(IdName, data.Id);
                    writer.WriteEndObject();
                }
                else
                {
                    writer.WriteNullValue();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WritePropertyName(LinksName);
        WriteLinks(writer, value.Links);
        writer.WriteEndObject();
    }

    private static void WriteLinks(Utf8JsonWriter writer, Links links)
    {
        if (links.First is not null || links.Prev is not null || links.Next is not null)
        {
            JsonSerializer.Serialize(writer, links, JsonApiSerializer.Options);
            return;
        }

        writer.WriteStartObject();
        if (links.Self is { } self)
        {
            writer.WriteString(SelfName, self);
        }

        if (links.Related is { } related)
        {
            writer.WriteString(RelatedName, related);
        }

        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value, JsonSerializerOptions options)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case IEnumerable<string> texts:
                writer.WriteStartArray();
                foreach (var text in texts)
                {
                    writer.WriteStringValue(text);
                }

                writer.WriteEndArray();
                break;
            default:
                JsonSerializer.Serialize(writer, value, value.GetType(), options);
                break;
        }
    }
}
