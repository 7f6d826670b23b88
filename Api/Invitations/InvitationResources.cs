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

    private readonly InvitationAttribute[] _shownAttributes = [.. contract.Attributes.Where(a => fields.Shows(Type, a.Name))];
    private readonly bool _showsRole = fields.Shows(Type, RoleRelationship);
    private readonly bool _showsOrganization = fields.Shows(Type, OrganizationRelationship);
    private readonly Dictionary<Guid, ResourceIdentifier> _identifiers = [];

    public LinkBuilder Links => links;

    public ResourceObject Build(Invitation invitation)
    {
        var attributes = new Dictionary<string, object?>(_shownAttributes.Length, StringComparer.Ordinal);
        foreach (var attribute in _shownAttributes)
        {
            attributes[attribute.Name] = attribute.Read(invitation, now);
        }

        var self = SelfPath(invitation.OrganizationId, invitation.Id);
        Dictionary<string, Relationship>? relationships = null;
        if (_showsRole)
        {
            relationships = new Dictionary<string, Relationship>(2, StringComparer.Ordinal)
            {
                [RoleRelationship] = links.ToOne(self, RoleRelationship, Identifier(invitation.RoleId, RoleResources.Type)),
            };
        }

        if (_showsOrganization)
        {
            relationships ??= new Dictionary<string, Relationship>(1, StringComparer.Ordinal);
            relationships[OrganizationRelationship] = links.ToOne(self, OrganizationRelationship, Identifier(invitation.OrganizationId, OrganizationResources.Type));
        }

        return new ResourceObject
        {
            Type = Type,
            Id = invitation.Id.ToString("D"),
            Attributes = attributes.Count > 0 ? attributes : null,
            Relationships = relationships,
            Links = new Links { Self = links.To(self) },
        };
    }

    /// <summary>The identifiers of the few roles and the one organization a page refers to, made once per request.</summary>
    private ResourceIdentifier Identifier(Guid id, string type)
    {
        if (!_identifiers.TryGetValue(id, out var identifier))
        {
            identifier = new ResourceIdentifier(type, id.ToString("D"));
            _identifiers[id] = identifier;
        }

        return identifier;
    }
}
