using System.Runtime.CompilerServices;
using System.Text.Json;

namespace JsonApiInvites.Api.JsonApi;

/// <summary>The parts every resource written straight to UTF-8 shares (invitations, memberships): its path, its shown relationships, its links.</summary>
public static class Utf8Resource
{
    public const int GuidLength = 36;

    /// <summary>Room for <c>/orgs/{organization}{segment}{id}</c>.</summary>
    public static int PathLength(ReadOnlySpan<byte> segment) => 6 + GuidLength + segment.Length + GuidLength;

    /// <summary>
    /// Writes the resource's path, <c>/orgs/{organization}{segment}{id}</c> (as its SelfPath, in UTF-8), which every link
    /// of the resource starts with and which ends with its id; returns the part of <paramref name="path"/> written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Span<byte> Path(Span<byte> path, Guid organizationId, ReadOnlySpan<byte> segment, Guid id)
    {
        "/orgs/"u8.CopyTo(path);
        organizationId.TryFormat(path[6..], out _, "D");
        segment.CopyTo(path[(6 + GuidLength)..]);
        var length = PathLength(segment);
        id.TryFormat(path[(length - GuidLength)..], out _, "D");
        return path[..length];
    }

    /// <summary>
    /// Writes an <c>id</c> member holding a GUID's text (as <see cref="Guid.TryFormat(Span{byte}, out int, ReadOnlySpan{char})"/>
    /// writes it: hex digits and hyphens), raw and unchecked: it needs no escaping, and a page writes 300 of them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteId(Utf8JsonWriter writer, ReadOnlySpan<byte> guid)
    {
        System.Diagnostics.Debug.Assert(guid.Length == GuidLength && Guid.TryParseExact(System.Text.Encoding.ASCII.GetString(guid), "D", out _), "An id written raw must be a GUID's text.");
        Span<byte> quoted = stackalloc byte[GuidLength + 2];
        quoted[0] = (byte)'"';
        guid.CopyTo(quoted[1..]);
        quoted[^1] = (byte)'"';
        writer.WritePropertyName(DocumentWriter.IdName);
        writer.WriteRawValue(quoted, skipInputValidation: true);
    }

    /// <summary>
    /// The resource's <c>relationships</c> member with those of its three to-one relationships shown, in the order given;
    /// nothing when none is. Three parameters rather than a span of them, inlined: a page writes this 100 times, and
    /// the A/B of a call taking a span was 1–4 % behind on the list.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteRelationships(
        Utf8JsonWriter writer,
        LinkBuilder links,
        ReadOnlySpan<byte> path,
        (ToOneRelationship Relationship, bool Shown, Guid? Id) first,
        (ToOneRelationship Relationship, bool Shown, Guid? Id) second,
        (ToOneRelationship Relationship, bool Shown, Guid? Id) third)
    {
        if (!first.Shown && !second.Shown && !third.Shown)
        {
            return;
        }

        writer.WriteStartObject(DocumentWriter.RelationshipsName);
        if (first.Shown)
        {
            first.Relationship.Write(writer, links, path, first.Id);
        }

        if (second.Shown)
        {
            second.Relationship.Write(writer, links, path, second.Id);
        }

        if (third.Shown)
        {
            third.Relationship.Write(writer, links, path, third.Id);
        }

        writer.WriteEndObject();
    }

    /// <summary>The resource's <c>links</c> (its self link) and the end of the resource object.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteLinksAndEnd(Utf8JsonWriter writer, LinkBuilder links, ReadOnlySpan<byte> path)
    {
        writer.WriteStartObject(DocumentWriter.LinksName);
        links.Write(writer, DocumentWriter.SelfName, path);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
