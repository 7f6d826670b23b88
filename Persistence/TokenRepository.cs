using Dapper;
using JsonApiInvites.Domain.Tokens;

namespace JsonApiInvites.Persistence;

public sealed class TokenRepository(Database db) : ITokenRepository
{
    public async Task CreateAsync(ApiToken token, string secretHash, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO api_tokens (id, organization_id, name, permissions, secret_hash, created_at)
            VALUES (@Id, @OrganizationId, @Name, @Permissions, @SecretHash, @CreatedAt)
            """,
            new
            {
                Id = db.Param(token.Id),
                OrganizationId = db.Param(token.OrganizationId),
                token.Name,
                Permissions = Columns.List(token.Permissions),
                SecretHash = secretHash,
                CreatedAt = db.Param(token.CreatedAt),
            },
            cancellationToken: cancellationToken));
    }

    public async Task<ApiToken?> FindByHashAsync(string secretHash, CancellationToken cancellationToken)
    {
        await using var session = await db.ReadAsync(cancellationToken);
        var command = session.Command("SELECT id, organization_id, name, permissions, created_at FROM api_tokens WHERE secret_hash = @SecretHash")
            .With("@SecretHash", secretHash);
        await using var reader = await session.ExecuteReaderAsync(command, cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new ApiToken(
                db.GetId(reader, 0),
                db.GetId(reader, 1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                Columns.List(reader.GetString(3)),
                db.GetTime(reader, 4))
            : null;
    }
}
