using System.Security.Cryptography;
using System.Text;

namespace JsonApiInvites.Domain.Tokens;

/// <summary>A stored API token: only the SHA-256 hash of the secret is kept.</summary>
public sealed record ApiToken(Guid Id, Guid OrganizationId, string? Name, IReadOnlyList<string> Permissions, DateTimeOffset CreatedAt)
{
    public bool Has(string permission) => Permissions.Contains(permission, StringComparer.Ordinal);
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

    Task<ApiToken?> FindByHashAsync(string secretHash, CancellationToken cancellationToken);
}
