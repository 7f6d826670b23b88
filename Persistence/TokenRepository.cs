using Dapper;
using JsonApiInvites.Domain.Tokens;

namespace JsonApiInvites.Persistence;

public sealed class TokenRepository(SqliteConnectionFactory connections) : ITokenRepository
{
    public async Task CreateAsync(ApiToken token, string secretHash, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO api_tokens (id, organization_id, name, permissions, secret_hash, created_at)
            VALUES (@Id, @OrganizationId, @Name, @Permissions, @SecretHash, @CreatedAt)
            """,
            new
            {
                Id = Columns.Id(token.Id),
                OrganizationId = Columns.Id(token.OrganizationId),
                token.Name,
                Permissions = Columns.List(token.Permissions),
                SecretHash = secretHash,
                CreatedAt = Columns.Time(token.CreatedAt),
            },
            cancellationToken: cancellationToken));
    }

    public async Task<ApiToken?> FindByHashAsync(string secretHash, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<TokenRow>(new CommandDefinition(
            """
            SELECT id AS Id, organization_id AS OrganizationId, name AS Name, permissions AS Permissions, created_at AS CreatedAt
            FROM api_tokens WHERE secret_hash = @SecretHash
            """,
            new { SecretHash = secretHash },
            cancellationToken: cancellationToken));
        return row is null
            ? null
            : new ApiToken(Guid.Parse(row.Id), Guid.Parse(row.OrganizationId), row.Name, Columns.List(row.Permissions), Columns.Time(row.CreatedAt));
    }

    private sealed class TokenRow
    {
        public required string Id { get; init; }
        public required string OrganizationId { get; init; }
        public string? Name { get; init; }
        public required string Permissions { get; init; }
        public required long CreatedAt { get; init; }
    }
}
