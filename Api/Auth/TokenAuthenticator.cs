using System.Runtime.InteropServices;
using System.Security.Cryptography;
using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Domain.Tokens;
using Microsoft.AspNetCore.Connections.Features;

namespace JsonApiInvites.Api.Auth;

/// <summary>
/// Finds the token of a request: <c>Authorization: Bearer &lt;token&gt;</c> or <c>token &lt;token&gt;</c>, looked up by
/// its SHA-256 hash. Known tokens are remembered for <see cref="CacheLifetime"/> (by hash, never the secret), so a
/// busy client costs one database lookup every few seconds instead of one per request, and a token revoked on any
/// server is refused by every server within 5 s (SPEC §7). Expiry is checked against the clock on every request.
/// An HTTP/1.x connection remembers the last <c>Authorization</c> header it carried with its hash, as long as the
/// connection lasts and its requests keep presenting a token, so a client sending the same token on every request of
/// a kept-alive connection has it hashed once (<see cref="ConnectionSecret"/>).
/// </summary>
public sealed class TokenAuthenticator(ITokenRepository tokens, TimeProvider clock)
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(4);
    private const int MaxCachedTokens = 10_000;
    private static readonly IReadOnlyDictionary<string, string> Challenge = new Dictionary<string, string> { ["WWW-Authenticate"] = "Bearer" };
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (ApiToken Token, long Expires)> _cache = new(StringComparer.Ordinal);

    /// <summary>The request's token: 401 without one or with an unknown one.</summary>
    public async Task<ApiToken> AuthenticateAsync(HttpContext context)
    {
        if (SecretHash(context) is null)
        {
            throw new JsonApiException(Errors.Unauthorized("Send 'Authorization: Bearer <token>'."), Challenge);
        }

        return await FindAsync(context) ?? throw new JsonApiException(Errors.Unauthorized("The token is not valid: unknown, revoked or expired."), Challenge);
    }

    /// <summary>
    /// The request's token, or null when it presents none or an unknown one; looked up once per request (the result
    /// is kept on the request), so the rate limiter and the permission check share one lookup.
    /// </summary>
    public async ValueTask<ApiToken?> FindAsync(HttpContext context)
    {
        if (context.Features.Get<ApiToken>() is { } known)
        {
            return known;
        }

        if (context.Items.ContainsKey(NotFound))
        {
            return null;
        }

        ApiToken? token = null;
        if (SecretHash(context) is { } hash)
        {
            var now = clock.GetTimestamp();
            if (_cache.TryGetValue(hash, out var cached) && cached.Expires >= now)
            {
                token = cached.Token;
            }
            else if (await tokens.FindByHashAsync(hash, context.RequestAborted) is { } found)
            {
                if (_cache.Count >= MaxCachedTokens)
                {
                    _cache.Clear();
                }

                _cache[hash] = (found, now + (long)(CacheLifetime.TotalSeconds * clock.TimestampFrequency));
                token = found;
            }
        }

        // A revoked or expired token is as good as none (and spends the client address's rate-limit budget).
        if (token is not null && !token.IsActiveAt(clock.GetUtcNow()))
        {
            token = null;
        }

        if (token is null)
        {
            context.Items[NotFound] = null;
        }
        else
        {
            context.Features.Set(token);
        }

        return token;
    }

    /// <summary>Marks a request whose token was looked up and not found, so it is not looked up twice.</summary>
    private static readonly object NotFound = new();

    /// <summary>The SHA-256 of the presented secret (any scheme spelling), computed once per request; null without one.</summary>
    private static string? SecretHash(HttpContext context)
    {
        if (context.Items.TryGetValue(typeof(TokenAuthenticator), out var stored))
        {
            return (string?)stored;
        }

        var hash = ConnectionSecret.HashOf(context, context.Request.Headers.Authorization.ToString());
        context.Items[typeof(TokenAuthenticator)] = hash;
        return hash;
    }

    /// <summary>
    /// The last <c>Authorization</c> header of an HTTP/1.x connection and the hash of its secret. Hashing the secret
    /// (SHA-256 through OpenSSL) was ≈ 2 % of GET one's time (bench), paid again on every request of a client that sends
    /// the same token on one kept-alive connection; Kestrel already keeps that header's string from request to request
    /// of the connection (it reuses header strings whose bytes repeat). The headers are compared in constant time, as a
    /// proxy may carry several clients' requests on one connection. HTTP/2 and HTTP/3 connections, whose streams run
    /// at once, and servers without connection items (the test host) hash every time.
    /// </summary>
    private sealed class ConnectionSecret(string header, string hash)
    {
        public static string? HashOf(HttpContext context, string header)
        {
            var protocol = context.Request.Protocol;
            var items = HttpProtocol.IsHttp11(protocol) || HttpProtocol.IsHttp10(protocol) ? context.Features.Get<IConnectionItemsFeature>()?.Items : null;
            if (items is not null && items.TryGetValue(typeof(ConnectionSecret), out var stored) && stored is ConnectionSecret last && last.Presented(header))
            {
                return last.Hash;
            }

            var secret = ReadSecret(header);
            if (secret is null)
            {
                // Nothing presented: nothing of an earlier request's (a proxy's connection may carry another client) stays.
                items?.Remove(typeof(ConnectionSecret));
                return null;
            }

            var hash = TokenSecret.Hash(secret);
            if (items is not null)
            {
                items[typeof(ConnectionSecret)] = new ConnectionSecret(header, hash);
            }

            return hash;
        }

        private string Hash => hash;

        private bool Presented(string other) =>
            ReferenceEquals(header, other)
            || (header.Length == other.Length && CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(header.AsSpan()), MemoryMarshal.AsBytes(other.AsSpan())));
    }

    public static string? ReadSecret(string header)
    {
        var space = header.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0)
        {
            return null;
        }

        var scheme = header[..space];
        var secret = header[(space + 1)..].Trim();
        var known = scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) || scheme.Equals("token", StringComparison.OrdinalIgnoreCase);
        return known && secret.Length > 0 ? secret : null;
    }
}
