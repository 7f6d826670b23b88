using JsonApiInvites.Api.Invitations;
using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Api.Organizations;
using JsonApiInvites.Api.Roles;
using JsonApiInvites.Api.Versioning;
using JsonApiInvites.Domain.Memberships;

namespace JsonApiInvites.Api.Memberships;

/// <summary>The <c>membership</c> resource (from <c>2026-11-25</c>): a person in the organization with a role.</summary>
public static class MembershipResources
{
    public const string Type = "membership";
    public const string RoleRelationship = "role";
    public const string OrganizationRelationship = "organization";
    public const string InvitationRelationship = "invitation";
    public const string EmailFilter = "filter[email]";
    public const string RoleFilter = "filter[role]";

    /// <summary>The version memberships arrive at; the operations carry it in <see cref="IntroducedInAttribute"/>.</summary>
    public const string Introduced = "2026-11-25";

    public static ApiVersionName IntroducedIn { get; } = ApiVersionName.Parse(Introduced);

    public static IReadOnlyList<string> Attributes { get; } = ["email", "created_at"];

    public static IReadOnlyList<string> Relationships { get; } = [RoleRelationship, OrganizationRelationship, InvitationRelationship];

    public static IReadOnlyList<string> Fields { get; } = [.. Attributes, .. Relationships];

    public static IReadOnlyList<string> Filters { get; } = [EmailFilter, RoleFilter];

    public static string CollectionPath(Guid organizationId) => $"/orgs/{organizationId:D}/memberships";

    public static string SelfPath(Guid organizationId, Guid membershipId) => $"{CollectionPath(organizationId)}/{membershipId:D}";

    public static ResourceIdentifier Identifier(Guid membershipId) => new(Type, membershipId.ToString("D"));

    public static ResourceObject Build(Membership membership, LinkBuilder links, Fieldsets fields)
    {
        var self = SelfPath(membership.OrganizationId, membership.Id);
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        fields.AddIfShown(attributes, Type, "email", membership.Email);
        fields.AddIfShown(attributes, Type, "created_at", Rfc3339.Format(membership.CreatedAt));
        var relationships = new Dictionary<string, Relationship>(StringComparer.Ordinal);
        fields.AddIfShown(relationships, Type, RoleRelationship, links.ToOne(self, RoleRelationship, RoleResources.Identifier(membership.RoleId)));
        fields.AddIfShown(relationships, Type, OrganizationRelationship, links.ToOne(self, OrganizationRelationship, OrganizationResources.Identifier(membership.OrganizationId)));
        fields.AddIfShown(relationships, Type, InvitationRelationship, new Relationship
        {
            Links = links.Relationship(self, InvitationRelationship),
            Data = membership.InvitationId is { } invitation ? new ResourceIdentifier(InvitationResources.Type, invitation.ToString("D")) : null,
        });

        return new ResourceObject
        {
            Type = Type,
            Id = membership.Id.ToString("D"),
            Attributes = attributes.Count > 0 ? attributes : null,
            Relationships = relationships.Count > 0 ? relationships : null,
            Links = new Links { Self = links.To(self) },
        };
    }
}
