using Dapper;
using JsonApiInvites.Domain.Organizations;
using Microsoft.Data.Sqlite;

namespace JsonApiInvites.Persistence;

public sealed class OrganizationRepository(SqliteConnectionFactory connections, TimeProvider clock) : IOrganizationRepository
{
    private const int MaxSlugAttempts = 100;

    public async Task<Organization> CreateAsync(string name, IReadOnlyList<Role> roles, Guid id, CancellationToken cancellationToken)
    {
        var baseSlug = Slug.From(name);
        var now = clock.GetUtcNow();
        await using var connection = await connections.OpenAsync(cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var slug = attempt == 1 ? baseSlug : $"{baseSlug}-{attempt}";
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            try
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO organizations (id, name, slug, created_at) VALUES (@Id, @Name, @Slug, @CreatedAt)",
                    new { Id = Columns.Id(id), Name = name, Slug = slug, CreatedAt = Columns.Time(now) },
                    transaction,
                    cancellationToken: cancellationToken));
            }
            catch (Exception exception) when (SqliteConnectionFactory.IsUniqueViolation(exception) && attempt < MaxSlugAttempts)
            {
                await transaction.RollbackAsync(cancellationToken);
                continue;
            }

            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO roles (id, organization_id, key, name, permissions) VALUES (@Id, @OrganizationId, @Key, @Name, @Permissions)",
                roles.Select(r => new { Id = Columns.Id(r.Id), OrganizationId = Columns.Id(id), r.Key, r.Name, Permissions = Columns.List(r.Permissions) }),
                transaction,
                cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            return new Organization(id, name, slug, now);
        }
    }

    public Task<IReadOnlyList<Role>> GetRolesAsync(Guid organizationId, CancellationToken cancellationToken)
    {
        using var connection = connections.Rent();
        var command = connection.Command(
            $"{SelectRoles} WHERE organization_id = @OrganizationId ORDER BY CASE key WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 WHEN 'collaborator' THEN 2 WHEN 'viewer' THEN 3 ELSE 4 END, id");
        command.Parameters.AddWithValue("@OrganizationId", Columns.Id(organizationId));
        using var reader = command.ExecuteReader();
        var roles = new List<Role>();
        while (reader.Read())
        {
            roles.Add(ReadRole(reader));
        }

        return Task.FromResult<IReadOnlyList<Role>>(roles);
    }

    public Task<Role?> FindRoleAsync(Guid organizationId, Guid roleId, CancellationToken cancellationToken)
    {
        using var connection = connections.Rent();
        var command = connection.Command($"{SelectRoles} WHERE organization_id = @OrganizationId AND id = @Id");
        command.Parameters.AddWithValue("@OrganizationId", Columns.Id(organizationId));
        command.Parameters.AddWithValue("@Id", Columns.Id(roleId));
        using var reader = command.ExecuteReader();
        return Task.FromResult(reader.Read() ? ReadRole(reader) : null);
    }

    public async Task<Organization?> FindAsync(Guid organizationId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<OrganizationRow>(new CommandDefinition(
            "SELECT id AS Id, name AS Name, slug AS Slug, created_at AS CreatedAt FROM organizations WHERE id = @Id",
            new { Id = Columns.Id(organizationId) },
            cancellationToken: cancellationToken));
        return row is null ? null : new Organization(Guid.Parse(row.Id), row.Name, row.Slug, Columns.Time(row.CreatedAt));
    }

    private sealed class OrganizationRow
    {
        public required string Id { get; init; }
        public required string Name { get; init; }
        public required string Slug { get; init; }
        public required long CreatedAt { get; init; }
    }

    private const string SelectRoles = "SELECT id, organization_id, key, name, permissions FROM roles";

    private static Role ReadRole(SqliteDataReader reader) =>
        new(Guid.Parse(reader.GetString(0)), Guid.Parse(reader.GetString(1)), reader.GetString(2), reader.GetString(3), Columns.List(reader.GetString(4)));
}
