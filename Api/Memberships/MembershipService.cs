using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Api.Roles;
using JsonApiInvites.Domain.Memberships;
using JsonApiInvites.Domain.Organizations;

namespace JsonApiInvites.Api.Memberships;

/// <summary>
/// The rules of members (SPEC §8): a token may change or remove a member only if it could grant the member's role
/// (and, for a change, the new one), and the last member holding <c>owner</c> can be neither demoted nor removed.
/// </summary>
public sealed class MembershipService(IMembershipRepository memberships, IOrganizationRepository organizations, RoleGrants roles)
{
    public async Task<Membership> FindAsync(Guid organizationId, string membershipId, CancellationToken cancellationToken)
    {
        var membership = Guid.TryParse(membershipId, out var id) ? await memberships.FindAsync(organizationId, id, cancellationToken) : null;
        return membership ?? throw new JsonApiException(Errors.NotFound($"Membership '{membershipId}' was not found."));
    }

    /// <summary>
    /// Gives the member the role <paramref name="identifier"/> names, if any. The rules are checked against the role
    /// the member holds when the write happens: if another change got there first, they are checked again.
    /// </summary>
    public async Task<Membership> UpdateAsync(Membership membership, ResourceIdentifier? identifier, IReadOnlyList<string> permissions, string rolePointer, CancellationToken cancellationToken)
    {
        if (identifier is null)
        {
            return membership;
        }

        for (var attempt = 1; ; attempt++)
        {
            await EnsureCurrentRoleGrantableAsync(membership, permissions, "change a member holding", cancellationToken);
            var role = await roles.GrantableAsync(membership.OrganizationId, identifier, permissions, "give a member", rolePointer, cancellationToken);
            if (role.Id == membership.RoleId)
            {
                return membership;
            }

            var owner = await OwnerRoleIdAsync(membership.OrganizationId, cancellationToken);
            switch (await memberships.ChangeRoleAsync(membership.OrganizationId, membership.Id, membership.RoleId, role.Id, owner, cancellationToken))
            {
                case MembershipChange.Done:
                    return membership with { RoleId = role.Id };
                case MembershipChange.LastOwner:
                    throw new JsonApiException(Errors.LastOwner("This member is the organization's last owner: make another member owner first."));
                case MembershipChange.RoleChanged when attempt < MaxAttempts:
                    membership = await FindAsync(membership.OrganizationId, membership.Id.ToString("D"), cancellationToken);
                    break;
                case MembershipChange.RoleChanged:
                    throw new JsonApiException(ChangedMeanwhile());
                default:
                    throw new JsonApiException(Errors.NotFound($"Membership '{membership.Id}' was not found."));
            }
        }
    }

    /// <summary>Removes the member; a member removed meanwhile is gone all the same. Checked as <see cref="UpdateAsync"/> is.</summary>
    public async Task RemoveAsync(Membership membership, IReadOnlyList<string> permissions, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await EnsureCurrentRoleGrantableAsync(membership, permissions, "remove a member holding", cancellationToken);
            var owner = await OwnerRoleIdAsync(membership.OrganizationId, cancellationToken);
            switch (await memberships.RemoveAsync(membership.OrganizationId, membership.Id, membership.RoleId, owner, cancellationToken))
            {
                case MembershipChange.LastOwner:
                    throw new JsonApiException(Errors.LastOwner("This member is the organization's last owner and cannot be removed: make another member owner first."));
                case MembershipChange.RoleChanged when attempt < MaxAttempts:
                    membership = await FindAsync(membership.OrganizationId, membership.Id.ToString("D"), cancellationToken);
                    break;
                case MembershipChange.RoleChanged:
                    throw new JsonApiException(ChangedMeanwhile());
                default:
                    return;
            }
        }
    }

    private const int MaxAttempts = 3;

    private static ErrorObject ChangedMeanwhile() =>
        Errors.InvalidState("The member's role kept changing while this request was checked; read the member and try again.");

    private async Task EnsureCurrentRoleGrantableAsync(Membership membership, IReadOnlyList<string> permissions, string action, CancellationToken cancellationToken)
    {
        var current = await organizations.FindRoleAsync(membership.OrganizationId, membership.RoleId, cancellationToken)
            ?? throw new InvalidOperationException($"Membership {membership.Id} refers to a missing role.");
        RoleGrants.EnsureGrantable(current, permissions, action);
    }

    private async Task<Guid> OwnerRoleIdAsync(Guid organizationId, CancellationToken cancellationToken) =>
        (await organizations.GetRolesAsync(organizationId, cancellationToken)).FirstOrDefault(r => r.Key == DefaultRoles.Owner)?.Id
        ?? throw new InvalidOperationException($"Organization {organizationId} has no owner role.");
}
