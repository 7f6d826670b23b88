using System.Data.Common;
using JsonApiInvites.Domain;
using JsonApiInvites.Domain.Invitations;
using JsonApiInvites.Domain.Memberships;

namespace JsonApiInvites.Persistence;

public sealed class MembershipRepository(Database db) : IMembershipRepository
{
    private const string SelectColumns = "SELECT id, email, role_id, invitation_id, created_at FROM memberships";

    public async Task<Membership?> FindAsync(Guid organizationId, Guid membershipId, CancellationToken cancellationToken)
    {
        await using var session = await db.ReadAsync(cancellationToken);
        var command = session.Command($"{SelectColumns} WHERE organization_id = @OrganizationId AND id = @Id")
            .With("@OrganizationId", db.Param(organizationId))
            .With("@Id", db.Param(membershipId));
        await using var reader = await session.ExecuteReaderAsync(command, cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader, organizationId) : null;
    }

    public Task<Page<Membership>> ListAsync(Guid organizationId, MembershipFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        var parameters = new List<(string Name, object Value)> { ("@OrganizationId", db.Param(organizationId)) };
        var where = "organization_id = @OrganizationId";
        if (filter.Email is { } email)
        {
            parameters.Add(("@EmailKey", EmailAddress.UniquenessKey(EmailAddress.Normalize(email))));
            where += " AND email_key = @EmailKey";
        }

        if (filter.RoleIds is { } roles)
        {
            // One parameter per role (an organization has a handful): the same SQL on every provider.
            var names = roles.Order().Select((role, i) =>
            {
                var name = "@Role" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                parameters.Add((name, db.Param(role)));
                return name;
            }).ToList();
            where += names.Count == 0 ? " AND 0 = 1" : $" AND role_id IN ({string.Join(", ", names)})";
        }

        return KeysetPages.ReadAsync(db, SelectColumns, "memberships", where, parameters, page, reader => Read(reader, organizationId), cancellationToken);
    }

    /// <remarks>
    /// Serialized with the organization's other writes (creates, accepts, member changes), so that the count of owners
    /// the statement checks is the count when it commits: two owners demoting each other at once leave one.
    /// </remarks>
    public async Task<MembershipChange> ChangeRoleAsync(
        Guid organizationId, Guid membershipId, Guid checkedRoleId, Guid roleId, Guid ownerRoleId, CancellationToken cancellationToken)
    {
        var parameters = Parameters(organizationId, membershipId, checkedRoleId, ownerRoleId);
        List<WriteStatement> statements =
        [
            new(
                $"""
                UPDATE memberships SET role_id = @RoleId
                WHERE organization_id = @OrganizationId AND id = @Id AND role_id = @CheckedRoleId
                  AND (role_id <> @OwnerRoleId OR @RoleId = @OwnerRoleId OR ({OwnersSql}) > 1)
                """,
                [.. parameters, ("@RoleId", db.Param(roleId))]),
            new(RoleSql, parameters, ReturnsRows: true),
        ];
        var results = await db.WriteAsync(new BatchedWrite(statements, organizationId), cancellationToken);
        return results[0] switch
        {
            null => MembershipChange.NotFound,
            { } stored when db.ToId(stored) == roleId => MembershipChange.Done,
            { } stored when db.ToId(stored) == checkedRoleId => MembershipChange.LastOwner,
            _ => MembershipChange.RoleChanged,
        };
    }

    public async Task<MembershipChange> RemoveAsync(Guid organizationId, Guid membershipId, Guid checkedRoleId, Guid ownerRoleId, CancellationToken cancellationToken)
    {
        var parameters = Parameters(organizationId, membershipId, checkedRoleId, ownerRoleId);
        var exists = "SELECT 1 FROM memberships WHERE organization_id = @OrganizationId AND id = @Id";
        List<WriteStatement> statements =
        [
            // Whether there was a member to remove, before the delete.
            new(exists, parameters, ReturnsRows: true),
            new(
                $"""
                DELETE FROM memberships
                WHERE organization_id = @OrganizationId AND id = @Id AND role_id = @CheckedRoleId
                  AND (role_id <> @OwnerRoleId OR ({OwnersSql}) > 1)
                """,
                parameters),
            // The invitation it came from stays accepted, without a membership.
            new(
                "UPDATE invitations SET membership_id = NULL WHERE organization_id = @OrganizationId AND membership_id = @Id AND NOT EXISTS (" + exists + ")",
                parameters),
            new(RoleSql, parameters, ReturnsRows: true),
        ];
        var results = await db.WriteAsync(new BatchedWrite(statements, organizationId), cancellationToken);
        return (results[0], results[1]) switch
        {
            (null, _) => MembershipChange.NotFound,
            (_, null) => MembershipChange.Done,
            (_, { } stored) when db.ToId(stored) == checkedRoleId => MembershipChange.LastOwner,
            _ => MembershipChange.RoleChanged,
        };
    }

    private const string RoleSql = "SELECT role_id FROM memberships WHERE organization_id = @OrganizationId AND id = @Id";

    private const string OwnersSql = "SELECT COUNT(*) FROM memberships WHERE organization_id = @OrganizationId AND role_id = @OwnerRoleId";

    private (string, object?)[] Parameters(Guid organizationId, Guid membershipId, Guid checkedRoleId, Guid ownerRoleId) =>
    [
        ("@OrganizationId", db.Param(organizationId)),
        ("@Id", db.Param(membershipId)),
        ("@CheckedRoleId", db.Param(checkedRoleId)),
        ("@OwnerRoleId", db.Param(ownerRoleId)),
    ];

    private Membership Read(DbDataReader reader, Guid organizationId) => new(
        db.GetId(reader, 0),
        organizationId,
        reader.GetString(1),
        db.GetId(reader, 2),
        reader.IsDBNull(3) ? null : db.GetId(reader, 3),
        db.GetTime(reader, 4));
}
