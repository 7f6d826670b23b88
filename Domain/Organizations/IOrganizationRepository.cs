namespace JsonApiInvites.Domain.Organizations;

public interface IOrganizationRepository
{
    /// <summary>Stores the organization with its roles in one transaction; the slug is made unique by a numeric suffix.</summary>
    Task<Organization> CreateAsync(string name, IReadOnlyList<Role> roles, Guid id, CancellationToken cancellationToken);

    Task<IReadOnlyList<Role>> GetRolesAsync(Guid organizationId, CancellationToken cancellationToken);

    Task<Role?> FindRoleAsync(Guid organizationId, Guid roleId, CancellationToken cancellationToken);

    Task<Organization?> FindAsync(Guid organizationId, CancellationToken cancellationToken);

    /// <summary>Every organization, oldest first.</summary>
    Task<IReadOnlyList<Organization>> ListAsync(CancellationToken cancellationToken);
}
