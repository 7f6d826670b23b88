using System.Text.Json;
using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Api.Organizations;
using JsonApiInvites.Api.Roles;
using JsonApiInvites.Domain.Invitations;

namespace JsonApiInvites.Api.Invitations;

/// <summary>
/// Builds <c>site_invitation</c> resource objects for one request: its version's contract, clock reading and fieldsets.
/// A resource writes itself straight from the invitation to UTF-8 (a page of 100 is the hot path of the API): no
/// member dictionaries, boxed values or link strings in between.
/// </summary>
public sealed class InvitationResources(InvitationContract contract, LinkBuilder links, DateTimeOffset now, Fieldsets fields)
{
    public const string Type = "site_invitation";
    public const string RoleRelationship = "role";
    public const string OrganizationRelationship = "organization";
    public const string MembershipRelationship = "membership";

    public static string CollectionPath(Guid organizationId) => $"/orgs/{organizationId:D}/invites";

    public static string SelfPath(Guid organizationId, Guid invitationId) => $"{CollectionPath(organizationId)}/{invitationId:D}";

    private const int GuidLength = Utf8Resource.GuidLength;
    private static readonly JsonEncodedText TypeValue = JsonEncodedText.Encode(Type);

    /// <summary>What lies between the organization and the id in a resource's path (as <see cref="SelfPath"/>).</summary>
    private static ReadOnlySpan<byte> PathSegment => "/invites/"u8;
    private static readonly ToOneRelationship Role = new(RoleRelationship, RoleResources.Type);
    private static readonly ToOneRelationship Organization = new(OrganizationRelationship, OrganizationResources.Type);
    private static readonly ToOneRelationship Membership = new(MembershipRelationship, Memberships.MembershipResources.Type);

    private readonly IReadOnlyList<InvitationAttribute> _shownAttributes =
        fields.Restricts(Type) ? [.. contract.Attributes.Where(a => fields.Shows(Type, a.Name))] : contract.Attributes;
    private readonly bool _showsRole = fields.Shows(Type, RoleRelationship);
    private readonly bool _showsOrganization = fields.Shows(Type, OrganizationRelationship);
    private readonly bool _showsMembership = contract.Relationships.Contains(MembershipRelationship) && fields.Shows(Type, MembershipRelationship);

    public LinkBuilder Links => links;

    public IResource Build(Invitation invitation) => new Resource(this, invitation);

    private void Write(Utf8JsonWriter writer, Invitation invitation)
    {
        Span<byte> buffer = stackalloc byte[Utf8Resource.PathLength(PathSegment)];
        ReadOnlySpan<byte> path = Utf8Resource.Path(buffer, invitation.OrganizationId, PathSegment, invitation.Id);

        writer.WriteStartObject();
        writer.WriteString(DocumentWriter.TypeName, TypeValue);
        Utf8Resource.WriteId(writer, path[^GuidLength..]);
        if (_shownAttributes.Count > 0)
        {
            writer.WriteStartObject(DocumentWriter.AttributesName);
            for (var at = 0; at < _shownAttributes.Count; at++)
            {
                var attribute = _shownAttributes[at];
                writer.WritePropertyName(attribute.EncodedName);
                attribute.Write(writer, invitation, now);
            }

            writer.WriteEndObject();
        }

        Utf8Resource.WriteRelationships(
            writer,
            links,
            path,
            (Role, _showsRole, invitation.RoleId),
            (Organization, _showsOrganization, invitation.OrganizationId),
            (Membership, _showsMembership, invitation.MembershipId));
        Utf8Resource.WriteLinksAndEnd(writer, links, path);
    }

    private sealed class Resource(InvitationResources resources, Invitation invitation) : IResource
    {
        public string SelfLink => resources.Links.To(SelfPath(invitation.OrganizationId, invitation.Id));

        public void WriteTo(Utf8JsonWriter writer) => resources.Write(writer, invitation);
    }
}
