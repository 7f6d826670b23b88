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
