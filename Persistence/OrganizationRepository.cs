using System.Collections.Concurrent;
using Dapper;
using JsonApiInvites.Domain.Organizations;
using System.Data.Common;

namespace JsonApiInvites.Persistence;

public sealed class OrganizationRepository(Database db, TimeProvider clock) : IOrganizationRepository
{
    private const int MaxSlugAttempts = 100;
    private const int MaxCachedOrganizations = 10_000;
    private readonly ConcurrentDictionary<Guid, Task<IReadOnlyList<Role>>> _roles = new();

    public async Task<Organization> CreateAsync(string name, IReadOnlyList<Role> roles, Guid id, CancellationToken cancellationToken)
    {
        var baseSlug = Slug.From(name);
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenForTransactionAsync(cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var slug = attempt == 1 ? baseSlug : $"{baseSlug}-{attempt}";
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            try
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO organizations (id, name, slug, created_at) VALUES (@Id, @Name, @Slug, @CreatedAt)",
                    new { Id = db.Param(id), Name = name, Slug = slug, CreatedAt = db.Param(now) },
                    transaction,
                    cancellationToken: cancellationToken));
            }
            catch (Exception exception) when (db.IsUniqueViolation(exception) && attempt < MaxSlugAttempts)
            {
                await transaction.RollbackAsync(cancellationToken);
                continue;
            }

            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO roles (id, organization_id, key, name, permissions) VALUES (@Id, @OrganizationId, @Key, @Name, @Permissions)",
                roles.Select(r => new { Id = db.Param(r.Id), OrganizationId = db.Param(id), r.Key, r.Name, Permissions = Columns.List(r.Permissions) }),
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
    public Task<IReadOnlyList<Role>> GetRolesAsync(Guid organizationId, CancellationToken cancellationToken) =>
        _roles.TryGetValue(organizationId, out var cached) ? cached : ReadRolesAsync(organizationId, cancellationToken);

    private async Task<IReadOnlyList<Role>> ReadRolesAsync(Guid organizationId, CancellationToken cancellationToken)
    {
        await using var session = await db.ReadAsync(cancellationToken);
        var command = session.Command(
            $"{SelectRoles} WHERE organization_id = @OrganizationId ORDER BY CASE key WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 WHEN 'collaborator' THEN 2 WHEN 'viewer' THEN 3 ELSE 4 END, id");
        command.With("@OrganizationId", db.Param(organizationId));
        var roles = new List<Role>();
        await using (var reader = await session.ExecuteReaderAsync(command, cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                roles.Add(ReadRole(reader));
            }
        }

        if (roles.Count > 0)
        {
            if (_roles.Count >= MaxCachedOrganizations)
            {
                _roles.Clear();
            }

            _roles[organizationId] = Task.FromResult<IReadOnlyList<Role>>(roles);
        }

        return roles;
    }

    public async Task<Role?> FindRoleAsync(Guid organizationId, Guid roleId, CancellationToken cancellationToken) =>
        (await GetRolesAsync(organizationId, cancellationToken)).FirstOrDefault(r => r.Id == roleId);

    public async Task<Organization?> FindAsync(Guid organizationId, CancellationToken cancellationToken)
    {
        await using var session = await db.ReadAsync(cancellationToken);
        var command = session.Command("SELECT id, name, slug, created_at FROM organizations WHERE id = @Id").With("@Id", db.Param(organizationId));
        await using var reader = await session.ExecuteReaderAsync(command, cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new Organization(db.GetId(reader, 0), reader.GetString(1), reader.GetString(2), db.GetTime(reader, 3))
            : null;
    }

    public async Task<IReadOnlyList<Organization>> ListAsync(CancellationToken cancellationToken)
    {
        await using var session = await db.ReadAsync(cancellationToken);
        await using var reader = await session.ExecuteReaderAsync(session.Command("SELECT id, name, slug, created_at FROM organizations ORDER BY created_at, id"), cancellationToken);
        var organizations = new List<Organization>();
        while (await reader.ReadAsync(cancellationToken))
        {
            organizations.Add(new Organization(db.GetId(reader, 0), reader.GetString(1), reader.GetString(2), db.GetTime(reader, 3)));
        }

        return organizations;
    }

    private const string SelectRoles = "SELECT id, organization_id, key, name, permissions FROM roles";

    private Role ReadRole(DbDataReader reader) =>
        new(db.GetId(reader, 0), db.GetId(reader, 1), reader.GetString(2), reader.GetString(3), Columns.List(reader.GetString(4)));
}
