using System.Text.Json;
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

    private const int GuidLength = Utf8Resource.GuidLength;
    private static readonly JsonEncodedText TypeValue = JsonEncodedText.Encode(Type);
    private static readonly JsonEncodedText EmailName = JsonEncodedText.Encode("email");
    private static readonly JsonEncodedText CreatedAtName = JsonEncodedText.Encode("created_at");
    private static readonly ToOneRelationship Role = new(RoleRelationship, RoleResources.Type);
    private static readonly ToOneRelationship Organization = new(OrganizationRelationship, OrganizationResources.Type);
    private static readonly ToOneRelationship Invitation = new(InvitationRelationship, InvitationResources.Type);

    /// <summary>What lies between the organization and the id in a resource's path (as <see cref="SelfPath"/>).</summary>
    private static ReadOnlySpan<byte> PathSegment => "/memberships/"u8;

    /// <summary>
    /// The membership as a resource that writes itself straight to UTF-8, as invitations do: a page of 100 built
    /// through member dictionaries and link strings allocated ≈ 390 KB a request.
    /// </summary>
    public static IResource Build(Membership membership, LinkBuilder links, Fieldsets fields) => new Resource(membership, new Shape(links, fields));

    /// <summary>The memberships of a page as resources, what the request's fieldsets show worked out once for all of them.</summary>
    public static List<IResource> BuildAll(IEnumerable<Membership> memberships, LinkBuilder links, Fieldsets fields)
    {
        var shape = new Shape(links, fields);
        return [.. memberships.Select(membership => (IResource)new Resource(membership, shape))];
    }

    /// <summary>What one request shows of a membership, and the links it writes them with.</summary>
    private sealed class Shape(LinkBuilder links, Fieldsets fields)
    {
        public LinkBuilder Links { get; } = links;

        public bool Email { get; } = fields.Shows(Type, "email");

        public bool CreatedAt { get; } = fields.Shows(Type, "created_at");

        public bool Role { get; } = fields.Shows(Type, RoleRelationship);

        public bool Organization { get; } = fields.Shows(Type, OrganizationRelationship);

        public bool Invitation { get; } = fields.Shows(Type, InvitationRelationship);
    }

    private sealed class Resource(Membership membership, Shape shape) : IResource
    {
        public string SelfLink => shape.Links.To(SelfPath(membership.OrganizationId, membership.Id));

        public void WriteTo(Utf8JsonWriter writer)
        {
            var links = shape.Links;
            Span<byte> buffer = stackalloc byte[Utf8Resource.PathLength(PathSegment)];
            ReadOnlySpan<byte> path = Utf8Resource.Path(buffer, membership.OrganizationId, PathSegment, membership.Id);

            writer.WriteStartObject();
            writer.WriteString(DocumentWriter.TypeName, TypeValue);
            Utf8Resource.WriteId(writer, path[^GuidLength..]);
            if (shape.Email || shape.CreatedAt)
            {
                writer.WriteStartObject(DocumentWriter.AttributesName);
                if (shape.Email)
                {
                    writer.WriteString(EmailName, membership.Email);
                }

                if (shape.CreatedAt)
                {
                    writer.WritePropertyName(CreatedAtName);
                    Rfc3339.WriteValue(writer, membership.CreatedAt);
                }

                writer.WriteEndObject();
            }

            Utf8Resource.WriteRelationships(
                writer,
                links,
                path,
                (MembershipResources.Role, shape.Role, membership.RoleId),
                (MembershipResources.Organization, shape.Organization, membership.OrganizationId),
                (MembershipResources.Invitation, shape.Invitation, membership.InvitationId));
            Utf8Resource.WriteLinksAndEnd(writer, links, path);
        }
    }
}
