using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Api.Organizations;
using JsonApiInvites.Domain.Organizations;

namespace JsonApiInvites.Api.Roles;

/// <summary>The <c>role</c> resource: the same representation in every declared version so far.</summary>
public static class RoleResources
{
    public const string Type = "role";
    public const string OrganizationRelationship = "organization";

    public static IReadOnlyList<string> Fields { get; } = ["key", "name", "permissions", OrganizationRelationship];

    public static ResourceIdentifier Identifier(Guid roleId) => new(Type, roleId.ToString("D"));

    public static string SelfPath(Guid organizationId, Guid roleId) => $"/orgs/{organizationId:D}/roles/{roleId:D}";

    public static ResourceObject Build(Role role, LinkBuilder links, Fieldsets fields)
    {
        var self = SelfPath(role.OrganizationId, role.Id);
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        fields.AddIfShown(attributes, Type, "key", role.Key);
        fields.AddIfShown(attributes, Type, "name", role.Name);
        fields.AddIfShown<object?>(attributes, Type, "permissions", role.Permissions);
        var relationships = new Dictionary<string, Relationship>(StringComparer.Ordinal);
        fields.AddIfShown(relationships, Type, OrganizationRelationship, links.ToOne(self, OrganizationRelationship, OrganizationResources.Identifier(role.OrganizationId)));

        return new ResourceObject
        {
            Type = Type,
            Id = role.Id.ToString("D"),
            Attributes = attributes.Count > 0 ? attributes : null,
            Relationships = relationships.Count > 0 ? relationships : null,
            Links = new Links { Self = links.To(self) },
        };
    }
}
