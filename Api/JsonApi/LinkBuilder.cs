using System.Buffers;
using System.Text;
using System.Text.Json;
using JsonApiInvites.Api.Versioning;

namespace JsonApiInvites.Api.JsonApi;

/// <summary>
/// Root-relative links that keep the client's requested version, so following a link never changes the
/// version a client is pinned to.
/// </summary>
public sealed class LinkBuilder(ApiVersionName requested)
{
    // Every link of a document ends with it (a list of 100 invitations has 500 links); formatted once per requested
    // version, not per request (formatting the date was measurable on GET one).
    private readonly string _query = QueryFor(requested);
    private byte[]? _queryUtf8;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<ApiVersionName, string> Queries = new();

    /// <summary>The query every link ends with: the requested version, as the client may send it again.</summary>
    private static string QueryFor(ApiVersionName requested)
    {
        if (Queries.TryGetValue(requested, out var query))
        {
            return query;
        }

        // Any date may be requested: the memory stays bounded, as the version middleware's own cache does.
        if (Queries.Count >= 1000)
        {
            Queries.Clear();
        }

        return Queries[requested] = "?version=" + Uri.EscapeDataString(requested.ToString());
    }

    public string To(string path) => string.Concat(path, _query);

    /// <summary>The links of relationship <paramref name="name"/> of the resource at <paramref name="ownerPath"/>: its linkage and its related resource.</summary>
    public Links Relationship(string ownerPath, string name) =>
        new() { Self = string.Concat(ownerPath, "/relationships/", name, _query), Related = string.Concat(ownerPath, "/", name, _query) };

    /// <summary>A to-one relationship object with links and linkage.</summary>
    public Relationship ToOne(string ownerPath, string name, ResourceIdentifier data) =>
        new() { Links = Relationship(ownerPath, name), Data = data };

    /// <summary>The document at a relationship's self link: its linkage, with the relationship's links.</summary>
    public Document LinkageDocument(string ownerPath, string name, ResourceIdentifier? data) =>
        new() { Data = data, Links = Relationship(ownerPath, name) };


    /// <summary>
    /// Writes the link to <paramref name="path"/> followed by <paramref name="tail"/> as a string member, with no string
    /// in between. The caller's path and tail are ASCII path characters (ids, fixed segments) and the query is
    /// percent-encoded, so the text needs no JSON escaping and is written raw, quotes included, unchecked.
    /// </summary>
    public void Write(Utf8JsonWriter writer, JsonEncodedText name, ReadOnlySpan<byte> path, ReadOnlySpan<byte> tail = default)
    {
        System.Diagnostics.Debug.Assert(NeedsNoEscaping(path) && NeedsNoEscaping(tail), "A link written raw must be plain ASCII path text.");
        var query = _queryUtf8 ??= Encoding.UTF8.GetBytes(_query);
        var length = path.Length + tail.Length + query.Length + 2;
        byte[]? rented = null;
        var link = length <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(length));
        link[0] = (byte)'"';
        path.CopyTo(link[1..]);
        tail.CopyTo(link[(1 + path.Length)..]);
        query.CopyTo(link[(1 + path.Length + tail.Length)..]);
        link[length - 1] = (byte)'"';
        writer.WritePropertyName(name);
        writer.WriteRawValue(link[..length], skipInputValidation: true);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static bool NeedsNoEscaping(ReadOnlySpan<byte> text) => !text.ContainsAnyExcept(SafeLinkBytes);

    private static readonly SearchValues<byte> SafeLinkBytes =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/%"u8);

    /// <summary><paramref name="path"/> with the given query parameters after <c>version</c>, in order; keys and values are percent-encoded.</summary>
    public string To(string path, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var builder = new StringBuilder(path).Append(_query);
        foreach (var (key, value) in parameters)
        {
            builder.Append('&').Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return builder.ToString();
    }
}
