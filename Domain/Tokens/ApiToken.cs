using System.Security.Cryptography;
using System.Text;

namespace JsonApiInvites.Domain.Tokens;

/// <summary>A stored API token: only the SHA-256 hash of the secret is kept. It may expire, and be revoked.</summary>
public sealed record ApiToken(
    Guid Id,
    Guid OrganizationId,
    string? Name,
    IReadOnlyList<string> Permissions,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt = null,
    DateTimeOffset? RevokedAt = null)
{
    public bool Has(string permission) => Permissions.Contains(permission, StringComparer.Ordinal);

    /// <summary>Whether the token authenticates at <paramref name="now"/>: not revoked, not past its expiry.</summary>
    public bool IsActiveAt(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || now < ExpiresAt);

    /// <summary><c>active</c>, <c>expired</c> or <c>revoked</c>, as <c>tokens list</c> shows it.</summary>
    public string StatusAt(DateTimeOffset now) => RevokedAt is not null ? "revoked" : ExpiresAt is { } expires && now >= expires ? "expired" : "active";
}

public static class TokenSecret
{
    private const string Prefix = "jai_";

    /// <summary>A new random secret: 32 bytes from the OS CSPRNG, base64url, with a recognizable prefix.</summary>
    public static string Generate(string prefix = Prefix) => prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

public interface ITokenRepository
{
    Task CreateAsync(ApiToken token, string secretHash, CancellationToken cancellationToken);

    /// <summary>The token with this secret hash, revoked and expired ones included (the caller decides).</summary>
    Task<ApiToken?> FindByHashAsync(string secretHash, CancellationToken cancellationToken);

    /// <summary>An organization's tokens, oldest first (never their secrets).</summary>
    Task<IReadOnlyList<ApiToken>> ListAsync(Guid organizationId, CancellationToken cancellationToken);

    /// <summary>Revokes the token (a second revoke keeps the first time); the token as stored after, or null when there is none.</summary>
    Task<ApiToken?> RevokeAsync(Guid tokenId, DateTimeOffset now, CancellationToken cancellationToken);
}
