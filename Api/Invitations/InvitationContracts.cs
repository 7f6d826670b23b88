using System.Text.Json;
using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Api.Versioning;
using JsonApiInvites.Domain.Invitations;

namespace JsonApiInvites.Api.Invitations;

/// <summary>One attribute of <c>site_invitation</c> as a version shows it, with its OpenAPI schema type.</summary>
/// <param name="Write">Writes the attribute's value for an invitation at the request's clock reading.</param>
public sealed record InvitationAttribute(string Name, Action<Utf8JsonWriter, Invitation, DateTimeOffset> Write, AttributeKind Kind)
{
    public JsonEncodedText EncodedName { get; } = JsonEncodedText.Encode(Name);
}

/// <summary>The JSON shape of an attribute value, for the OpenAPI documents.</summary>
public enum AttributeKind
{
    Email,
    Boolean,
    Status,
    Timestamp,
    NullableTimestamp,
}

/// <summary>
/// Everything that differs between API versions for <c>site_invitation</c>, in one place: the attributes shown,
/// the attributes a create accepts, which statuses the version can see at all (a status a version does not know
/// never reaches its clients), and the list filters it offers. Operations that exist only from some version on
/// carry <see cref="IntroducedInAttribute"/> on their action instead.
/// </summary>
public sealed record InvitationContract(
    ApiVersionName Version,
    IReadOnlyList<InvitationAttribute> Attributes,
    IReadOnlyList<string> CreateAttributes,
    IReadOnlySet<InvitationStatus> VisibleStatuses,
    IReadOnlyList<string> Filters)
{
    /// <summary>The relationships shown: role and organization, and from <c>2026-11-25</c> the membership an acceptance made.</summary>
    public IReadOnlyList<string> Relationships { get; init; } = [InvitationResources.RoleRelationship, InvitationResources.OrganizationRelationship];

    /// <summary>Attributes and relationships: what <c>fields[site_invitation]</c> may name. Computed, so that <c>with</c> copies stay right.</summary>
    public IReadOnlyList<string> Fields => [.. Attributes.Select(a => a.Name), .. Relationships];

    public bool Shows(string attribute) => Attributes.Any(a => a.Name == attribute);
}

public static class InvitationContracts
{
    public const string SendEmail = "send_email";
    public const string StatusFilter = "filter[status]";
    public const string EmailFilter = "filter[email]";

    /// <summary>The status names, encoded once, indexed by <see cref="InvitationStatus"/>.</summary>
    private static readonly JsonEncodedText[] StatusNames = [.. Enum.GetValues<InvitationStatus>().OrderBy(s => (int)s).Select(s => JsonEncodedText.Encode(s.ToName()))];

    private static readonly InvitationAttribute Email = new("email", (w, i, _) => w.WriteStringValue(i.Email), AttributeKind.Email);
    private static readonly InvitationAttribute Expired = new("expired", (w, i, now) => w.WriteBooleanValue(i.StatusAt(now) == InvitationStatus.Expired), AttributeKind.Boolean);
    private static readonly InvitationAttribute Status = new("status", (w, i, now) => w.WriteStringValue(StatusNames[(int)i.StatusAt(now)]), AttributeKind.Status);
    private static readonly InvitationAttribute CreatedAt = new("created_at", (w, i, _) => Rfc3339.WriteValue(w, i.CreatedAt), AttributeKind.Timestamp);
    private static readonly InvitationAttribute ExpiresAt = new("expires_at", (w, i, _) => Rfc3339.WriteValue(w, i.ExpiresAt), AttributeKind.Timestamp);
    private static readonly InvitationAttribute ResentAt = new("resent_at", (w, i, _) => WriteNullable(w, i.ResentAt), AttributeKind.NullableTimestamp);
    private static readonly InvitationAttribute AcceptedAt = new("accepted_at", (w, i, _) => WriteNullable(w, i.AcceptedAt), AttributeKind.NullableTimestamp);

    private static readonly IReadOnlySet<InvitationStatus> AllStatuses = Enum.GetValues<InvitationStatus>().ToHashSet();

    /// <summary>The first version: email and an expired flag; lists show only invites still waiting (pending or expired).</summary>
    public static InvitationContract V20210604 { get; } = new(
        ApiVersionName.Ga(2021, 6, 4),
        Attributes: [Email, Expired],
        CreateAttributes: ["email"],
        VisibleStatuses: new HashSet<InvitationStatus> { InvitationStatus.Pending, InvitationStatus.Expired },
        Filters: []);

    /// <summary>Adds status and timestamps, write-only <c>send_email</c>, every status in lists, and filters.</summary>
    public static InvitationContract V20221114 { get; } = new(
        ApiVersionName.Ga(2022, 11, 14),
        Attributes: [Email, Expired, Status, CreatedAt, ExpiresAt],
        CreateAttributes: ["email", SendEmail],
        VisibleStatuses: AllStatuses,
        Filters: [StatusFilter, EmailFilter]);

    /// <summary>Adds <c>resent_at</c>; PATCH (change role) and resend arrive as operations at this version.</summary>
    public static InvitationContract V20241015Beta { get; } = V20221114 with
    {
        Version = ApiVersionName.Beta(2024, 10, 15),
        Attributes = [Email, Expired, Status, CreatedAt, ExpiresAt, ResentAt],
    };

    /// <summary>
    /// GA: everything of <c>2024-10-15~beta</c>, plus <c>accepted_at</c> and the <c>membership</c> relationship (null
    /// until accepted); memberships and the invitee routes arrive as operations at this version.
    /// </summary>
    public static InvitationContract V20261125 { get; } = V20241015Beta with
    {
        Version = ApiVersionName.Ga(2026, 11, 25),
        Attributes = [Email, Expired, Status, CreatedAt, ExpiresAt, ResentAt, AcceptedAt],
        Relationships = [InvitationResources.RoleRelationship, InvitationResources.OrganizationRelationship, InvitationResources.MembershipRelationship],
    };

    public static IReadOnlyList<InvitationContract> All { get; } = [V20210604, V20221114, V20241015Beta, V20261125];

    private static void WriteNullable(Utf8JsonWriter writer, DateTimeOffset? time)
    {
        if (time is { } value)
        {
            Rfc3339.WriteValue(writer, value);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    public static InvitationContract For(ApiVersionName served)
    {
        // Once per request: an indexed loop, not a lambda capturing the version nor a boxed enumerator.
        for (var at = 0; at < All.Count; at++)
        {
            if (All[at].Version == served)
            {
                return All[at];
            }
        }

        throw new InvalidOperationException($"No site_invitation contract is declared for version {served}.");
    }
}
