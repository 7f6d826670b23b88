using System.Net;

namespace JsonApiInvites.Api.Edge;

/// <summary><c>ForwardedHeaders:*</c>: the reverse proxies whose <c>X-Forwarded-For</c>/<c>-Proto</c> are believed. None by default.</summary>
public sealed class ForwardedHeadersSettings
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Proxy addresses, e.g. <c>10.0.0.5</c>.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR notation, e.g. <c>10.0.0.0/8</c>.</summary>
    public string[] KnownNetworks { get; set; } = [];

    public static bool TryParseNetwork(string text, out System.Net.IPNetwork network) => System.Net.IPNetwork.TryParse(text.Trim(), out network);

    public static bool TryParseProxy(string text, out IPAddress address) => IPAddress.TryParse(text.Trim(), out address!);
}

/// <summary><c>Cors:*</c>: the browser origins allowed to call the API. None by default.</summary>
public sealed class CorsSettings
{
    public const string Section = "Cors";

    /// <summary>Origins such as <c>https://app.example.com</c> (scheme, host and port; no path).</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>An origin is <c>scheme://host[:port]</c>, http or https, with nothing after it.</summary>
    public static bool IsOrigin(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && uri.GetLeftPart(UriPartial.Authority).Equals(text.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
}
