using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Api.Organizations;
using JsonApiInvites.Api.Roles;
using JsonApiInvites.Domain.Invitations;

namespace JsonApiInvites.Api.Invitations;

/// <summary>Builds <c>site_invitation</c> resource objects for one request: its version's contract, clock reading and fieldsets.</summary>
public sealed class InvitationResources(InvitationContract contract, LinkBuilder links, DateTimeOffset now, Fieldsets fields)
{
    public const string Type = "site_invitation";
    public const string RoleRelationship = "role";
    public const string OrganizationRelationship = "organization";

    public static IReadOnlyList<string> RelationshipNames { get; } = [RoleRelationship, OrganizationRelationship];

    public static string CollectionPath(Guid organizationId) => $"/orgs/{organizationId:D}/invites";

    public static string SelfPath(Guid organizationId, Guid invitationId) => $"{CollectionPath(organizationId)}/{invitationId:D}";

    public LinkBuilder Links => links;

    public ResourceObject Build(Invitation invitation)
    {
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var attribute in contract.Attributes.Where(a => fields.Shows(Type, a.Name)))
        {
            attributes[attribute.Name] = attribute.Read(invitation, now);
        }

        var self = SelfPath(invitation.OrganizationId, invitation.Id);
        var relationships = new Dictionary<string, Relationship>(StringComparer.Ordinal);
        fields.AddIfShown(relationships, Type, RoleRelationship, links.ToOne(self, RoleRelationship, RoleResources.Identifier(invitation.RoleId)));
        fields.AddIfShown(relationships, Type, OrganizationRelationship, links.ToOne(self, OrganizationRelationship, OrganizationResources.Identifier(invitation.OrganizationId)));

        return new ResourceObject
        {
            Type = Type,
            Id = invitation.Id.ToString("D"),
            Attributes = attributes.Count > 0 ? attributes : null,
            Relationships = relationships.Count > 0 ? relationships : null,
            Links = new Links { Self = links.To(self) },
        };
    }
}
