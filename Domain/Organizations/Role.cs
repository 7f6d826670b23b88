namespace JsonApiInvites.Domain.Organizations;

public sealed record Role(Guid Id, Guid OrganizationId, string Key, string Name, IReadOnlyList<string> Permissions);

/// <summary>The four roles every organization is created with.</summary>
public static class DefaultRoles
{
    public sealed record Template(string Key, string Name, IReadOnlyList<string> Permissions);

    /// <summary>The key of the role the last-owner rule protects (SPEC §8).</summary>
    public const string Owner = "owner";

    public static IReadOnlyList<Template> All { get; } =
    [
        new(Owner, "Owner", [Organizations.Permissions.OrgRead, Organizations.Permissions.OrgUserRead, Organizations.Permissions.OrgUserInvite, Organizations.Permissions.OrgAdmin]),
        new("admin", "Admin", [Organizations.Permissions.OrgRead, Organizations.Permissions.OrgUserRead, Organizations.Permissions.OrgUserInvite]),
        new("collaborator", "Collaborator", [Organizations.Permissions.OrgRead, Organizations.Permissions.OrgUserRead]),
        new("viewer", "Viewer", [Organizations.Permissions.OrgRead]),
    ];

    public static IReadOnlyList<Role> For(Guid organizationId) =>
        [.. All.Select(t => new Role(Guid.NewGuid(), organizationId, t.Key, t.Name, t.Permissions))];
}

public static class RoleRules
{
    /// <summary>No privilege escalation: a token may only grant a role whose every permission it holds itself.</summary>
    public static bool IsGrantableBy(this Role role, IReadOnlyList<string> grantorPermissions) =>
        role.Permissions.All(p => grantorPermissions.Contains(p, StringComparer.Ordinal));
}
