using System.Text;

namespace JsonApiInvites.Api.JsonApi;

/// <summary>
/// Root-relative links that keep the client's requested version, so following a link never changes the
/// version a client is pinned to.
/// </summary>
public sealed class LinkBuilder(string requestedVersion)
{
    public string RequestedVersion => requestedVersion;

    public string To(string path) => $"{path}?version={Uri.EscapeDataString(requestedVersion)}";

    /// <summary>The links of relationship <paramref name="name"/> of the resource at <paramref name="ownerPath"/>: its linkage and its related resource.</summary>
    public Links Relationship(string ownerPath, string name) =>
        new() { Self = To($"{ownerPath}/relationships/{name}"), Related = To($"{ownerPath}/{name}") };

    /// <summary>A to-one relationship object with links and linkage.</summary>
    public Relationship ToOne(string ownerPath, string name, ResourceIdentifier data) =>
        new() { Links = Relationship(ownerPath, name), Data = data };

    /// <summary>The document at a relationship's self link: its linkage, with the relationship's links.</summary>
    public Document LinkageDocument(string ownerPath, string name, ResourceIdentifier data) =>
        new() { Data = data, Links = Relationship(ownerPath, name) };


    /// <summary><paramref name="path"/> with the given query parameters after <c>version</c>, in order; keys and values are percent-encoded.</summary>
    public string To(string path, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var builder = new StringBuilder(To(path));
        foreach (var (key, value) in parameters)
        {
            builder.Append('&').Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return builder.ToString();
    }
}
