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
            INSERT INTO api_tokens (id, organization_id, name, permissions, secret_hash, created_at, expires_at)
            VALUES (@Id, @OrganizationId, @Name, @Permissions, @SecretHash, @CreatedAt, @ExpiresAt)
            """,
            new
            {
                Id = db.Param(token.Id),
                OrganizationId = db.Param(token.OrganizationId),
                token.Name,
                Permissions = Columns.List(token.Permissions),
                SecretHash = secretHash,
                CreatedAt = db.Param(token.CreatedAt),
                ExpiresAt = db.Param(token.ExpiresAt),
            },
            cancellationToken: cancellationToken));
    }

    private const string Select = "SELECT id, organization_id, name, permissions, created_at, expires_at, revoked_at FROM api_tokens";

    public async Task<ApiToken?> FindByHashAsync(string secretHash, CancellationToken cancellationToken)
    {
        await using var session = await db.ReadAsync(cancellationToken);
        var command = session.Command(Select + " WHERE secret_hash = @SecretHash").With("@SecretHash", secretHash);
        await using var reader = await session.ExecuteReaderAsync(command, cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<ApiToken>> ListAsync(Guid organizationId, CancellationToken cancellationToken)
    {
        await using var session = await db.ReadAsync(cancellationToken);
        var command = session.Command(Select + " WHERE organization_id = @OrganizationId ORDER BY created_at, id").With("@OrganizationId", db.Param(organizationId));
        await using var reader = await session.ExecuteReaderAsync(command, cancellationToken);
        var tokens = new List<ApiToken>();
        while (await reader.ReadAsync(cancellationToken))
        {
            tokens.Add(Read(reader));
        }

        return tokens;
    }

    public async Task<ApiToken?> RevokeAsync(Guid tokenId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using (var connection = await db.OpenAsync(cancellationToken))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE api_tokens SET revoked_at = @Now WHERE id = @Id AND revoked_at IS NULL",
                new { Id = db.Param(tokenId), Now = db.Param(now) },
                cancellationToken: cancellationToken));
        }

        await using var session = await db.ReadAsync(cancellationToken);
        var command = session.Command(Select + " WHERE id = @Id").With("@Id", db.Param(tokenId));
        await using var reader = await session.ExecuteReaderAsync(command, cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private ApiToken Read(System.Data.Common.DbDataReader reader) => new(
        db.GetId(reader, 0),
        db.GetId(reader, 1),
        reader.IsDBNull(2) ? null : reader.GetString(2),
        Columns.List(reader.GetString(3)),
        db.GetTime(reader, 4),
        db.GetNullableTime(reader, 5),
        db.GetNullableTime(reader, 6));
}
