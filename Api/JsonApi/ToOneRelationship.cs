using System.Text.Json;

namespace JsonApiInvites.Api.JsonApi;

/// <summary>
/// A to-one relationship written straight to UTF-8 by a resource on the hot path (a page of 100 writes 300 of them): its
/// name, type and link tails encoded once, the links built from the owner's path with no string in between.
/// </summary>
public sealed class ToOneRelationship(string name, string type)
{
    private readonly JsonEncodedText _name = JsonEncodedText.Encode(name);
    private readonly JsonEncodedText _type = JsonEncodedText.Encode(type);
    private readonly byte[] _selfTail = System.Text.Encoding.UTF8.GetBytes("/relationships/" + name);
    private readonly byte[] _relatedTail = System.Text.Encoding.UTF8.GetBytes("/" + name);

    /// <param name="ownerPath">The owning resource's path in UTF-8 (its self link without the query).</param>
    /// <param name="id">The related resource's id; null writes the linkage of an empty to-one relationship.</param>
    public void Write(Utf8JsonWriter writer, LinkBuilder links, ReadOnlySpan<byte> ownerPath, Guid? id)
    {
        writer.WriteStartObject(_name);
        writer.WriteStartObject(DocumentWriter.LinksName);
        links.Write(writer, DocumentWriter.SelfName, ownerPath, _selfTail);
        links.Write(writer, DocumentWriter.RelatedName, ownerPath, _relatedTail);
        writer.WriteEndObject();
        if (id is null)
        {
            writer.WriteNull(DocumentWriter.DataName);
            writer.WriteEndObject();
            return;
        }

        writer.WriteStartObject(DocumentWriter.DataName);
        writer.WriteString(DocumentWriter.TypeName, _type);
        Span<byte> text = stackalloc byte[Utf8Resource.GuidLength];
        id.Value.TryFormat(text, out _, "D");
        Utf8Resource.WriteId(writer, text);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
