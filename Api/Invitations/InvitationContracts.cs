using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Api.Versioning;
using JsonApiInvites.Domain.Invitations;

namespace JsonApiInvites.Api.Invitations;

/// <summary>One attribute of <c>site_invitation</c> as a version shows it.</summary>
public sealed record InvitationAttribute(string Name, Func<Invitation, DateTimeOffset, object?> Read);

/// <summary>
/// Everything that differs between API versions for <c>site_invitation</c>, in one place: the attributes shown,
/// the attributes a create accepts, and which statuses the version can see at all (a status a version does not
/// know never reaches its clients).
/// </summary>
public sealed record InvitationContract(
    ApiVersionName Version,
    IReadOnlyList<InvitationAttribute> Attributes,
    IReadOnlyList<string> CreateAttributes,
    IReadOnlySet<InvitationStatus> VisibleStatuses)
{
    public IReadOnlyList<string> Fields { get; } = [.. Attributes.Select(a => a.Name), .. InvitationResources.RelationshipNames];
}

public static class InvitationContracts
{
    private static readonly InvitationAttribute Email = new("email", (i, _) => i.Email);
    private static readonly InvitationAttribute Expired = new("expired", (i, now) => i.StatusAt(now) == InvitationStatus.Expired);

    public static InvitationContract V20210604 { get; } = new(
        ApiVersionName.Ga(2021, 6, 4),
        Attributes: [Email, Expired],
        CreateAttributes: ["email"],
        VisibleStatuses: new HashSet<InvitationStatus> { InvitationStatus.Pending, InvitationStatus.Expired });

    public static IReadOnlyList<InvitationContract> All { get; } = [V20210604];

    public static InvitationContract For(ApiVersionName served) =>
        All.FirstOrDefault(c => c.Version == served)
        ?? throw new InvalidOperationException($"No site_invitation contract is declared for version {served}.");
}
