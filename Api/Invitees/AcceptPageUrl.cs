using JsonApiInvites.Api.Email;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace JsonApiInvites.Api.Invitees;

/// <summary>
/// Where the email's link points: <c>Email:AcceptUrl</c> when set (a front end of your own, or this server's public
/// address behind a proxy), else this server's accept page on the first address it listens on (an https one if
/// any), with a wildcard host (<c>+</c>, <c>*</c>, <c>0.0.0.0</c>, <c>[::]</c>) read as <c>localhost</c>.
/// </summary>
public sealed class AcceptPageUrl(IOptions<EmailOptions> options, IServer server)
{
    private const string Fallback = "http://localhost:5080";
    private static readonly string[] WildcardHosts = ["+", "*", "0.0.0.0", "[::]"];
    private string? _fromServer;

    public string Value => string.IsNullOrWhiteSpace(options.Value.AcceptUrl) ? _fromServer ?? FromServer() : options.Value.AcceptUrl;

    private string FromServer()
    {
        // Kestrel knows its addresses once it listens: until then (or in-process without a listener) the default one.
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault();
        return address is null ? Fallback + AcceptPageEndpoints.Path : _fromServer = OwnUrl(address) + AcceptPageEndpoints.Path;
    }

    /// <summary>A listening address as a URL a person can open: <c>http://+:5080/</c> → <c>http://localhost:5080</c>.</summary>
    public static string OwnUrl(string address)
    {
        var schemeEnd = address.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            return address.TrimEnd('/');
        }

        var hostStart = schemeEnd + 3;
        var rest = address[hostStart..];
        var hostEnd = rest.StartsWith('[') ? rest.IndexOf(']', StringComparison.Ordinal) + 1 : rest.IndexOfAny([':', '/']);
        var host = hostEnd <= 0 ? rest : rest[..hostEnd];
        var url = WildcardHosts.Contains(host) ? address[..hostStart] + "localhost" + rest[host.Length..] : address;
        return url.TrimEnd('/');
    }
}
