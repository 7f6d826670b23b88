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

    /// <summary>Gives the member the role <paramref name="identifier"/> names, if any.</summary>
    public async Task<Membership> UpdateAsync(Membership membership, ResourceIdentifier? identifier, IReadOnlyList<string> permissions, string rolePointer, CancellationToken cancellationToken)
    {
        if (identifier is null)
        {
            return membership;
        }

        await EnsureCurrentRoleGrantableAsync(membership, permissions, "change a member holding", cancellationToken);
        var role = await roles.GrantableAsync(membership.OrganizationId, identifier, permissions, "give a member", rolePointer, cancellationToken);
        if (role.Id == membership.RoleId)
        {
            return membership;
        }

        switch (await memberships.ChangeRoleAsync(membership.OrganizationId, membership.Id, role.Id, await OwnerRoleIdAsync(membership.OrganizationId, cancellationToken), cancellationToken))
        {
            case MembershipChange.NotFound:
                throw new JsonApiException(Errors.NotFound($"Membership '{membership.Id}' was not found."));
            case MembershipChange.LastOwner:
                throw new JsonApiException(Errors.LastOwner("This member is the organization's last owner: make another member owner first."));
        }

        return membership with { RoleId = role.Id };
    }

    /// <summary>Removes the member; a member removed meanwhile is gone all the same.</summary>
    public async Task RemoveAsync(Membership membership, IReadOnlyList<string> permissions, CancellationToken cancellationToken)
    {
        await EnsureCurrentRoleGrantableAsync(membership, permissions, "remove a member holding", cancellationToken);
        if (await memberships.RemoveAsync(membership.OrganizationId, membership.Id, await OwnerRoleIdAsync(membership.OrganizationId, cancellationToken), cancellationToken)
            == MembershipChange.LastOwner)
        {
            throw new JsonApiException(Errors.LastOwner("This member is the organization's last owner and cannot be removed: make another member owner first."));
        }
    }

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
