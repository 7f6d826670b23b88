using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Domain.Organizations;

namespace JsonApiInvites.Api.Roles;

/// <summary>
/// The no-escalation rule (SPEC §5, §8): a token may put someone into a role (invite, change an invitation or a
/// member) only if it holds every permission of that role itself.
/// </summary>
public sealed class RoleGrants(IOrganizationRepository organizations)
{
    /// <summary>
    /// The role <paramref name="identifier"/> names in the organization, which <paramref name="permissions"/> may grant:
    /// 404 at <paramref name="pointer"/> when there is no such role, 403 <c>role_not_grantable</c> when they may not.
    /// </summary>
    /// <param name="action">What the token would do with the role, for the 403 detail ("invite into", "change an invitation to").</param>
    public async Task<Role> GrantableAsync(
        Guid organizationId,
        ResourceIdentifier identifier,
        IReadOnlyList<string> permissions,
        string action,
        string pointer,
        CancellationToken cancellationToken)
    {
        var role = (Guid.TryParse(identifier.Id, out var roleId) ? await organizations.FindRoleAsync(organizationId, roleId, cancellationToken) : null)
            ?? throw new JsonApiException(Errors.NotFound($"Role '{identifier.Id}' was not found in this organization.", ErrorSource.AtPointer(pointer)));
        EnsureGrantable(role, permissions, action, ErrorSource.AtPointer(pointer));
        return role;
    }

    /// <summary>403 <c>role_not_grantable</c> unless <paramref name="permissions"/> include every permission of <paramref name="role"/>.</summary>
    public static void EnsureGrantable(Role role, IReadOnlyList<string> permissions, string action, ErrorSource? source = null)
    {
        if (!role.IsGrantableBy(permissions))
        {
            throw new JsonApiException(new ErrorObject(
                403, "role_not_grantable", "Role not grantable",
                $"The token cannot {action} role '{role.Key}': it does not hold all of that role's permissions.",
                source));
        }
    }
}
