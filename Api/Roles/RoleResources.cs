using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Domain.Organizations;

namespace JsonApiInvites.Api.Roles;

/// <summary>The <c>role</c> resource: the same representation in every declared version so far.</summary>
public static class RoleResources
{
    public const string Type = "role";
    public const string OrganizationType = "organization";

    public static IReadOnlyList<string> Fields { get; } = ["key", "name", "permissions", "organization"];

    public static string SelfPath(Guid organizationId, Guid roleId) => $"/orgs/{organizationId:D}/roles/{roleId:D}";

    public static ResourceObject Build(Role role, LinkBuilder links, Fieldsets fields)
    {
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        Add(attributes, fields, "key", role.Key);
        Add(attributes, fields, "name", role.Name);
        Add(attributes, fields, "permissions", role.Permissions);

        Dictionary<string, Relationship>? relationships = null;
        if (fields.Shows(Type, "organization"))
        {
            relationships = new Dictionary<string, Relationship>(StringComparer.Ordinal)
            {
                ["organization"] = new Relationship { Data = new ResourceIdentifier(OrganizationType, role.OrganizationId.ToString("D")) },
            };
        }

        return new ResourceObject
        {
            Type = Type,
            Id = role.Id.ToString("D"),
            Attributes = attributes.Count > 0 ? attributes : null,
            Relationships = relationships,
            Links = new Links { Self = links.To(SelfPath(role.OrganizationId, role.Id)) },
        };
    }

    private static void Add(Dictionary<string, object?> attributes, Fieldsets fields, string name, object? value)
    {
        if (fields.Shows(Type, name))
        {
            attributes[name] = value;
        }
    }
}
