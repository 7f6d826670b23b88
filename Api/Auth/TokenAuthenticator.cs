using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Domain.Tokens;

namespace JsonApiInvites.Api.Auth;

/// <summary>
/// Finds the token of a request: <c>Authorization: Bearer &lt;token&gt;</c> or <c>token &lt;token&gt;</c>, looked up by
/// its SHA-256 hash. Known tokens are remembered for <see cref="CacheLifetime"/> (by hash, never the secret), so a
/// busy client costs one database lookup a minute instead of one per request; tokens are never changed once made.
/// </summary>
public sealed class TokenAuthenticator(ITokenRepository tokens, TimeProvider clock)
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(60);
    private const int MaxCachedTokens = 10_000;
    private static readonly IReadOnlyDictionary<string, string> Challenge = new Dictionary<string, string> { ["WWW-Authenticate"] = "Bearer" };
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (ApiToken Token, long Expires)> _cache = new(StringComparer.Ordinal);

    public async Task<ApiToken> AuthenticateAsync(HttpContext context)
    {
        if (context.Features.Get<ApiToken>() is { } known)
        {
            return known;
        }

        var secret = ReadSecret(context.Request.Headers.Authorization.ToString())
            ?? throw new JsonApiException(Errors.Unauthorized("Send 'Authorization: Bearer <token>'."), Challenge);
        var hash = TokenSecret.Hash(secret);
        var now = clock.GetTimestamp();
        if (!_cache.TryGetValue(hash, out var cached) || cached.Expires < now)
        {
            var found = await tokens.FindByHashAsync(hash, context.RequestAborted)
                ?? throw new JsonApiException(Errors.Unauthorized("The token is not valid."), Challenge);
            if (_cache.Count >= MaxCachedTokens)
            {
                _cache.Clear();
            }

            cached = (found, now + (long)(CacheLifetime.TotalSeconds * clock.TimestampFrequency));
            _cache[hash] = cached;
        }

        context.Features.Set(cached.Token);
        return cached.Token;
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
