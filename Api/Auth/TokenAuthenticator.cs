using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Domain.Tokens;

namespace JsonApiInvites.Api.Auth;

/// <summary>Finds the token of a request: <c>Authorization: Bearer &lt;token&gt;</c> or <c>token &lt;token&gt;</c>, looked up by its SHA-256 hash.</summary>
public sealed class TokenAuthenticator(ITokenRepository tokens)
{
    private static readonly IReadOnlyDictionary<string, string> Challenge = new Dictionary<string, string> { ["WWW-Authenticate"] = "Bearer" };

    public async Task<ApiToken> AuthenticateAsync(HttpContext context)
    {
        if (context.Features.Get<ApiToken>() is { } known)
        {
            return known;
        }

        var secret = ReadSecret(context.Request.Headers.Authorization.ToString())
            ?? throw new JsonApiException(Errors.Unauthorized("Send 'Authorization: Bearer <token>'."), Challenge);
        var token = await tokens.FindByHashAsync(TokenSecret.Hash(secret), context.RequestAborted)
            ?? throw new JsonApiException(Errors.Unauthorized("The token is not valid."), Challenge);
        context.Features.Set(token);
        return token;
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
