using System.Text.Json;

namespace JsonApiInvites.Api.JsonApi;

/// <summary>
/// Writes data documents straight to a <see cref="Utf8JsonWriter"/>, member by member, in the order JSON:API
/// examples use: no serializer metadata, no reflection, and resources that write themselves (a list of 100
/// invitations is the hot path). Request documents are read by <see cref="RequestDocumentReader"/>.
/// </summary>
public static class DocumentWriter
{
    public static readonly JsonEncodedText JsonApiName = JsonEncodedText.Encode("jsonapi");
    public static readonly JsonEncodedText VersionName = JsonEncodedText.Encode("version");
    public static readonly JsonEncodedText DataName = JsonEncodedText.Encode("data");
    public static readonly JsonEncodedText IncludedName = JsonEncodedText.Encode("included");
    public static readonly JsonEncodedText TypeName = JsonEncodedText.Encode("type");
    public static readonly JsonEncodedText IdName = JsonEncodedText.Encode("id");
    public static readonly JsonEncodedText AttributesName = JsonEncodedText.Encode("attributes");
    public static readonly JsonEncodedText RelationshipsName = JsonEncodedText.Encode("relationships");
    public static readonly JsonEncodedText LinksName = JsonEncodedText.Encode("links");
    public static readonly JsonEncodedText SelfName = JsonEncodedText.Encode("self");
    public static readonly JsonEncodedText RelatedName = JsonEncodedText.Encode("related");
    private static readonly JsonEncodedText FirstName = JsonEncodedText.Encode("first");
    private static readonly JsonEncodedText PrevName = JsonEncodedText.Encode("prev");
    private static readonly JsonEncodedText NextName = JsonEncodedText.Encode("next");
    private static readonly JsonEncodedText JsonApiVersion = JsonEncodedText.Encode("1.1");

    public static void Write(Utf8JsonWriter writer, Document document)
    {
        writer.WriteStartObject();
        writer.WriteStartObject(JsonApiName);
        writer.WriteString(VersionName, JsonApiVersion);
        writer.WriteEndObject();

        writer.WritePropertyName(DataName);
        switch (document.Data)
        {
            case null:
                writer.WriteNullValue();
                break;
            case IResource resource:
                resource.WriteTo(writer);
                break;
            case IEnumerable<IResource> resources:
                WriteResources(writer, resources);
                break;
            case ResourceIdentifier identifier:
                WriteIdentifier(writer, identifier);
                break;
            default:
                throw new InvalidOperationException($"A document's data cannot be a {document.Data.GetType().Name}.");
        }

        if (document.Included is { } included)
        {
            writer.WritePropertyName(IncludedName);
            WriteResources(writer, included);
        }

        writer.WritePropertyName(LinksName);
        WriteLinks(writer, document.Links);
        writer.WriteEndObject();
    }

    public static void WriteResource(Utf8JsonWriter writer, ResourceObject resource)
    {
        writer.WriteStartObject();
        writer.WriteString(TypeName, resource.Type);
        writer.WriteString(IdName, resource.Id);
        if (resource.Attributes is { } attributes)
        {
            writer.WriteStartObject(AttributesName);
            foreach (var (name, attribute) in attributes)
            {
                writer.WritePropertyName(name);
                WriteValue(writer, attribute);
            }

            writer.WriteEndObject();
        }

        if (resource.Relationships is { } relationships)
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
                    WriteIdentifier(writer, data);
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
        WriteLinks(writer, resource.Links);
        writer.WriteEndObject();
    }

    public static void WriteIdentifier(Utf8JsonWriter writer, ResourceIdentifier identifier)
    {
        writer.WriteStartObject();
        writer.WriteString(TypeName, identifier.Type);
        writer.WriteString(IdName, identifier.Id);
        writer.WriteEndObject();
    }

    private static void WriteResources(Utf8JsonWriter writer, IEnumerable<IResource> resources)
    {
        writer.WriteStartArray();
        foreach (var resource in resources)
        {
            resource.WriteTo(writer);
        }

        writer.WriteEndArray();
    }

    private static void WriteLinks(Utf8JsonWriter writer, Links links)
    {
        writer.WriteStartObject();
        WriteIfPresent(writer, SelfName, links.Self);
        WriteIfPresent(writer, RelatedName, links.Related);
        WriteIfPresent(writer, FirstName, links.First);
        WriteIfPresent(writer, PrevName, links.Prev);
        WriteIfPresent(writer, NextName, links.Next);
        writer.WriteEndObject();
    }

    private static void WriteIfPresent(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
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
                throw new InvalidOperationException($"An attribute value cannot be a {value.GetType().Name}.");
        }
    }
}
