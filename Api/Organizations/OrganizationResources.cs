using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Domain.Organizations;

namespace JsonApiInvites.Api.Organizations;

/// <summary>The <c>organization</c> resource: the same representation in every declared version so far.</summary>
public static class OrganizationResources
{
    public const string Type = "organization";

    public static IReadOnlyList<string> Fields { get; } = ["name", "slug"];

    public static string SelfPath(Guid organizationId) => $"/orgs/{organizationId:D}";

    public static ResourceIdentifier Identifier(Guid organizationId) => new(Type, organizationId.ToString("D"));

    public static ResourceObject Build(Organization organization, LinkBuilder links, Fieldsets fields)
    {
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        fields.AddIfShown(attributes, Type, "name", organization.Name);
        fields.AddIfShown(attributes, Type, "slug", organization.Slug);
        return new ResourceObject
        {
            Type = Type,
            Id = organization.Id.ToString("D"),
            Attributes = attributes.Count > 0 ? attributes : null,
            Links = new Links { Self = links.To(SelfPath(organization.Id)) },
        };
    }
}
