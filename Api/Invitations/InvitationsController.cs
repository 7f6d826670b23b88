using JsonApiInvites.Api.Auth;
using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Api.Organizations;
using JsonApiInvites.Api.Roles;
using JsonApiInvites.Api.Versioning;
using JsonApiInvites.Domain.Invitations;
using JsonApiInvites.Domain.Memberships;
using JsonApiInvites.Domain.Organizations;
using Microsoft.AspNetCore.Mvc;

namespace JsonApiInvites.Api.Invitations;

[ApiController]
[Route(Route)]
public sealed class InvitationsController(InvitationService service, InvitationRequests requests, IOrganizationRepository organizations) : OrganizationControllerBase
{
    /// <summary>The route of the collection; <see cref="ItemRoute"/> one invitation's.</summary>
    public const string Route = "orgs/{" + RequirePermissionsAttribute.OrganizationRouteKey + "}/invites";
    public const string InviteId = "invite_id";
    public const string ItemRoute = Route + "/" + Item;
    private const string Item = "{" + InviteId + "}";
    private static IReadOnlyList<string> ReadParameters => InvitationRequests.ReadParameters;

    [HttpPost]
    [RequirePermissions(Permissions.OrgUserInvite)]
    public async Task<IActionResult> Create()
    {
        var (organizationId, cancellationToken) = Scope();
        var request = requests.Read(HttpContext, ReadParameters);
        using var body = await RequestDocumentReader.ParseAsync(Request, cancellationToken);
        var input = InvitationInput.ReadCreate(RequestDocumentReader.ReadForCreate(body.RootElement, InvitationResources.Type), request.Contract);
        var (invitation, role) = await service.CreateAsync(organizationId, input, HttpContext.GetApiToken().Permissions, cancellationToken);

        var resource = request.Resources.Build(invitation);
        return new JsonApiResult(201, new Document
        {
            Data = resource,
            Included = await InvitationRequests.IncludedAsync(request, () => Task.FromResult<IReadOnlyList<Role>>([role])),
            Links = new Links { Self = resource.SelfLink },
        }, location: resource.SelfLink);
    }

    [HttpGet(Item + "/relationships/role")]
    [RequirePermissions(Permissions.OrgRead, Permissions.OrgUserRead)]
    public async Task<IActionResult> GetRoleRelationship()
    {
        var (organizationId, invitationId, cancellationToken) = Scope(InviteId);
        var request = requests.Read(HttpContext, []);
        var invitation = await service.FindAsync(organizationId, invitationId, request.Filter, cancellationToken);
        return RoleLinkage(request, invitation);
    }

    [HttpGet(Item + "/role")]
    [RequirePermissions(Permissions.OrgRead, Permissions.OrgUserRead)]
    public async Task<IActionResult> GetRole()
    {
        var (organizationId, invitationId, cancellationToken) = Scope(InviteId);
        var request = requests.Read(HttpContext, [QueryReader.FieldsFamily]);
        var invitation = await service.FindAsync(organizationId, invitationId, request.Filter, cancellationToken);
        var role = await organizations.FindRoleAsync(organizationId, invitation.RoleId, cancellationToken)
            ?? throw new InvalidOperationException($"Invitation {invitation.Id} refers to a missing role.");
        return new JsonApiResult(200, new Document { Data = RoleResources.Build(role, request.Links, request.Fields), Links = new Links { Self = request.Resource.Self } });
    }

    [HttpGet(Item + "/relationships/organization")]
    [RequirePermissions(Permissions.OrgRead, Permissions.OrgUserRead)]
    public async Task<IActionResult> GetOrganizationRelationship()
    {
        var (organizationId, invitationId, cancellationToken) = Scope(InviteId);
        var request = requests.Read(HttpContext, []);
        var invitation = await service.FindAsync(organizationId, invitationId, request.Filter, cancellationToken);
        return new JsonApiResult(200, request.Links.LinkageDocument(
            InvitationResources.SelfPath(organizationId, invitation.Id), InvitationResources.OrganizationRelationship, OrganizationResources.Identifier(organizationId)));
    }

    [HttpGet(Item + "/organization")]
    [RequirePermissions(Permissions.OrgRead, Permissions.OrgUserRead)]
    public async Task<IActionResult> GetOrganization()
    {
        var (organizationId, invitationId, cancellationToken) = Scope(InviteId);
        var request = requests.Read(HttpContext, [QueryReader.FieldsFamily]);
        await service.FindAsync(organizationId, invitationId, request.Filter, cancellationToken);
        var organization = await organizations.BuildResourceAsync(organizationId, request.Resource, cancellationToken);
        return new JsonApiResult(200, new Document { Data = organization, Links = new Links { Self = request.Resource.Self } });
    }

    [HttpGet(Item + "/relationships/membership")]
    [IntroducedIn(Memberships.MembershipResources.Introduced)]
    [RequirePermissions(Permissions.OrgRead, Permissions.OrgUserRead)]
    public async Task<IActionResult> GetMembershipRelationship()
    {
        var (organizationId, invitationId, cancellationToken) = Scope(InviteId);
        var request = requests.Read(HttpContext, []);
        var invitation = await service.FindAsync(organizationId, invitationId, request.Filter, cancellationToken);
        return new JsonApiResult(200, request.Links.LinkageDocument(
            InvitationResources.SelfPath(organizationId, invitation.Id),
            InvitationResources.MembershipRelationship,
            invitation.MembershipId is { } id ? Memberships.MembershipResources.Identifier(id) : null));
    }

    [HttpGet(Item + "/membership")]
    [IntroducedIn(Memberships.MembershipResources.Introduced)]
    [RequirePermissions(Permissions.OrgRead, Permissions.OrgUserRead)]
    public async Task<IActionResult> GetMembership([FromServices] IMembershipRepository memberships)
    {
        var (organizationId, invitationId, cancellationToken) = Scope(InviteId);
        var request = requests.Read(HttpContext, [QueryReader.FieldsFamily]);
        var invitation = await service.FindAsync(organizationId, invitationId, request.Filter, cancellationToken);
        var membership = invitation.MembershipId is { } id ? await memberships.FindAsync(organizationId, id, cancellationToken) : null;
        return new JsonApiResult(200, new Document
        {
            Data = membership is null ? null : Memberships.MembershipResources.Build(membership, request.Links, request.Fields),
            Links = new Links { Self = request.Resource.Self },
        });
    }

    [HttpPatch(Item)]
    [IntroducedIn("2024-10-15~beta")]
    [RequirePermissions(Permissions.OrgUserInvite)]
    public async Task<IActionResult> Update()
    {
        var (organizationId, invitationId, cancellationToken) = Scope(InviteId);
        var request = requests.Read(HttpContext, ReadParameters);
        var invitation = await service.FindAsync(organizationId, invitationId, request.Filter, cancellationToken);
        using var body = await RequestDocumentReader.ParseAsync(Request, cancellationToken);
        var role = InvitationInput.ReadUpdate(RequestDocumentReader.ReadForUpdate(body.RootElement, InvitationResources.Type, invitation.Id.ToString("D")), request.Contract);
        invitation = await service.UpdateAsync(invitation, role, HttpContext.GetApiToken().Permissions, InvitationInput.RolePointer, cancellationToken);
        return await requests.SingleAsync(200, request, invitation, cancellationToken);
    }

    /// <summary>JSON:API 1.1 §9.3: the role relationship's self link takes a PATCH of its linkage, as PATCH of the invitation does.</summary>
    [HttpPatch(Item + "/relationships/role")]
    [IntroducedIn("2024-10-15~beta")]
    [RequirePermissions(Permissions.OrgUserInvite)]
    public async Task<IActionResult> UpdateRoleRelationship()
    {
        var (organizationId, invitationId, cancellationToken) = Scope(InviteId);
        var request = requests.Read(HttpContext, []);
        var invitation = await service.FindAsync(organizationId, invitationId, request.Filter, cancellationToken);
        using var body = await RequestDocumentReader.ParseAsync(Request, cancellationToken);
        var role = InvitationInput.ReadRoleLinkage(body.RootElement);
        invitation = await service.UpdateAsync(invitation, role, HttpContext.GetApiToken().Permissions, "/data", cancellationToken);
        return RoleLinkage(request, invitation);
    }

    [HttpPost(Item + "/resend")]
    [IntroducedIn("2024-10-15~beta")]
    [RequirePermissions(Permissions.OrgUserInvite)]
    public async Task<IActionResult> Resend()
    {
        var (organizationId, invitationId, cancellationToken) = Scope(InviteId);
        var request = requests.Read(HttpContext, ReadParameters);
        var invitation = await service.FindAsync(organizationId, invitationId, request.Filter, cancellationToken);
        if (Request.ContentLength > 0 || Request.Headers.TransferEncoding.Count > 0)
        {
            throw new JsonApiException(Errors.InvalidDocument("", "Resend takes no request document; send an empty body."));
        }

        var resent = await service.ResendAsync(invitation, cancellationToken);
        return await requests.SingleAsync(202, request, resent, cancellationToken);
    }

    [HttpDelete(Item)]
    [RequirePermissions(Permissions.OrgUserInvite)]
    public async Task<IActionResult> Cancel()
    {
        var (organizationId, invitationId, cancellationToken) = Scope(InviteId);
        var request = requests.Read(HttpContext, []);
        var invitation = await service.FindAsync(organizationId, invitationId, request.Filter, cancellationToken);
        await service.CancelAsync(invitation, invitationId, cancellationToken);
        return NoContent();
    }

    private static JsonApiResult RoleLinkage(InvitationRequest request, Invitation invitation) =>
        new(200, request.Links.LinkageDocument(
            InvitationResources.SelfPath(invitation.OrganizationId, invitation.Id), InvitationResources.RoleRelationship, RoleResources.Identifier(invitation.RoleId)));
}
