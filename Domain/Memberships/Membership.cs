namespace JsonApiInvites.Domain.Memberships;

/// <summary>A person (an email) in an organization with a role, since they accepted <see cref="InvitationId"/>.</summary>
public sealed record Membership(Guid Id, Guid OrganizationId, string Email, Guid RoleId, Guid? InvitationId, DateTimeOffset CreatedAt);

/// <summary>Which members a list shows: all, or those of one email (any letter case) and/or of some roles.</summary>
public sealed record MembershipFilter(string? Email, IReadOnlySet<Guid>? RoleIds)
{
    public static MembershipFilter None { get; } = new(null, null);
}

/// <summary>What became of a change to a member.</summary>
public enum MembershipChange
{
    Done,
    NotFound,

    /// <summary>Refused: it would leave the organization without a member holding the owner role.</summary>
    LastOwner,

    /// <summary>Not done: the member's role is no longer the one the change was checked against (a concurrent change).</summary>
    RoleChanged,
}

public interface IMembershipRepository
{
    Task<Membership?> FindAsync(Guid organizationId, Guid membershipId, CancellationToken cancellationToken);

    Task<Page<Membership>> ListAsync(Guid organizationId, MembershipFilter filter, PageRequest page, CancellationToken cancellationToken);

    /// <summary>
    /// Gives the member <paramref name="roleId"/> if it still holds <paramref name="checkedRoleId"/> (the role the
    /// caller's rules were checked against), unless that takes the owner role from the organization's last owner
    /// (<paramref name="ownerRoleId"/>); decided in the write itself, serialized with the organization's other writes.
    /// </summary>
    Task<MembershipChange> ChangeRoleAsync(Guid organizationId, Guid membershipId, Guid checkedRoleId, Guid roleId, Guid ownerRoleId, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the member if it still holds <paramref name="checkedRoleId"/> (its invitation stays accepted, without a
    /// membership), unless it is the last owner.
    /// </summary>
    Task<MembershipChange> RemoveAsync(Guid organizationId, Guid membershipId, Guid checkedRoleId, Guid ownerRoleId, CancellationToken cancellationToken);
}
