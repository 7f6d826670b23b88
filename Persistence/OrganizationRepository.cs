using System.Collections.Concurrent;
using Dapper;
using JsonApiInvites.Domain.Organizations;
using Microsoft.Data.Sqlite;

namespace JsonApiInvites.Persistence;

public sealed class OrganizationRepository(SqliteConnectionFactory connections, TimeProvider clock) : IOrganizationRepository
{
    private const int MaxSlugAttempts = 100;
    private const int MaxCachedOrganizations = 10_000;
    private readonly ConcurrentDictionary<Guid, Task<IReadOnlyList<Role>>> _roles = new();

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

    /// <remarks>
    /// Roles are written once, with their organization and in its transaction (<see cref="CreateAsync"/>), and never
    /// change: an organization's roles, once read, are kept in memory, which spares a list with <c>include=role</c>
    /// and every create a query. An empty read is not kept: the organization may yet be created (by the CLI, another
    /// process).
    /// </remarks>
    public Task<IReadOnlyList<Role>> GetRolesAsync(Guid organizationId, CancellationToken cancellationToken)
    {
        if (_roles.TryGetValue(organizationId, out var cached))
        {
            return cached;
        }

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

        var result = Task.FromResult<IReadOnlyList<Role>>(roles);
        if (roles.Count > 0)
        {
            if (_roles.Count >= MaxCachedOrganizations)
            {
                _roles.Clear();
            }

            _roles[organizationId] = result;
        }

        return result;
    }

    public async Task<Role?> FindRoleAsync(Guid organizationId, Guid roleId, CancellationToken cancellationToken) =>
        (await GetRolesAsync(organizationId, cancellationToken)).FirstOrDefault(r => r.Id == roleId);

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
