using JsonApiInvites.Api.Auth;
using JsonApiInvites.Api.Invitations;
using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Api.Organizations;
using JsonApiInvites.Api.Paging;
using JsonApiInvites.Api.Resources;
using JsonApiInvites.Api.Roles;
using JsonApiInvites.Api.Versioning;
using JsonApiInvites.Domain;
using JsonApiInvites.Domain.Invitations;
using JsonApiInvites.Domain.Memberships;
using JsonApiInvites.Domain.Organizations;
using Microsoft.AspNetCore.Mvc;

namespace JsonApiInvites.Api.Memberships;

/// <summary>An organization's members (SPEC §2, from <c>2026-11-25</c>): list, fetch, change the role, remove, and every relationship link.</summary>
[ApiController]
[Route("orgs/{" + RequirePermissionsAttribute.OrganizationRouteKey + "}/memberships")]
public sealed class MembershipsController(
    MembershipService service,
    IMembershipRepository memberships,
    IInvitationRepository invitations,
    IOrganizationRepository organizations,
    TimeProvider clock) : OrganizationControllerBase
{
    private const string MembershipId = "membership_id";
    private const string Item = "{" + MembershipId + "}";
    private static readonly IReadOnlySet<string> IncludePaths = new HashSet<string> { MembershipResources.RoleRelationship };
    private static readonly string[] ReadParameters = [QueryReader.Include, QueryReader.FieldsFamily];

    [HttpGet]
    [IntroducedIn(MembershipResources.Introduced)]
    [RequirePermissions(Permissions.OrgRead, Permissions.OrgUserRead)]
    public async Task<IActionResult> List()
    {
        var (organizationId, cancellationToken) = Scope();
        var request = ResourceRequest.Read(HttpContext, [.. ReadParameters, .. Pagination.Parameters, .. MembershipResources.Filters], IncludePaths);
        var pageRequest = Pagination.Read(request.Query);
        var page = await memberships.ListAsync(organizationId, MembershipInput.ReadFilter(request.Query), pageRequest, cancellationToken);
        return new JsonApiResult(200, new Document
        {
            Data = MembershipResources.BuildAll(page.Items, request.Links, request.Fields),
            Included = await IncludedAsync(request, organizationId, page.Items, cancellationToken),
            Links = Pagination.LinksFor(MembershipResources.CollectionPath(organizationId), Request.Query, request.Links, pageRequest, page, m => new ListPosition(m.CreatedAt, m.Id)),
        });
    }

    [HttpGet(Item)]
    [IntroducedIn(MembershipResources.Introduced)]
    [RequirePermissions(Permissions.OrgRead, Permissions.OrgUserRead)]
    public async Task<IActionResult> Get()
    {
        var (organizationId, membershipId, cancellationToken) = Scope(MembershipId);
        var request = ResourceRequest.Read(HttpContext, ReadParameters, IncludePaths);
        var membership = await service.FindAsync(organizationId, membershipId, cancellationToken);
        return await SingleAsync(request, membership, request.Self, cancellationToken);
    }

    [HttpPatch(Item)]
    [IntroducedIn(MembershipResources.Introduced)]
    [RequirePermissions(Permissions.OrgUserInvite)]
    public async Task<IActionResult> Update()
    {
        var (organizationId, membershipId, cancellationToken) = Scope(MembershipId);
        var request = ResourceRequest.Read(HttpContext, ReadParameters, IncludePaths);
        var membership = await service.FindAsync(organizationId, membershipId, cancellationToken);
        using var body = await RequestDocumentReader.ParseAsync(Request, cancellationToken);
        var role = MembershipInput.ReadUpdate(RequestDocumentReader.ReadForUpdate(body.RootElement, MembershipResources.Type, membership.Id.ToString("D")));
        membership = await service.UpdateAsync(membership, role, HttpContext.GetApiToken().Permissions, MembershipInput.RolePointer, cancellationToken);
        return await SingleAsync(request, membership, self: null, cancellationToken);
    }

    [HttpDelete(Item)]
    [IntroducedIn(MembershipResources.Introduced)]
    [RequirePermissions(Permissions.OrgUserInvite)]
    public async Task<IActionResult> Remove()
    {
        var (organizationId, membershipId, cancellationToken) = Scope(MembershipId);
        ResourceRequest.Read(HttpContext, []);
        var membership = await service.FindAsync(organizationId, membershipId, cancellationToken);
        await service.RemoveAsync(membership, HttpContext.GetApiToken().Permissions, cancellationToken);
        return NoContent();
    }

    [HttpGet(Item + "/relationships/role")]
    [IntroducedIn(MembershipResources.Introduced)]
    [RequirePermissions(Permissions.OrgRead, Permissions.OrgUserRead)]
    public async Task<IActionResult> GetRoleRelationship()
    {
        var (organizationId, membershipId, cancellationToken) = Scope(MembershipId);
        var request = ResourceRequest.Read(HttpContext, []);
        var membership = await service.FindAsync(organizationId, membershipId, cancellationToken);
        return Linkage(request, membership, MembershipResources.RoleRelationship, RoleResources.Identifier(membership.RoleId));
    }

    /// <summary>JSON:API 1.1 §9.3: the role relationship's self link takes a PATCH of its linkage, as PATCH of the member does.</summary>
    [HttpPatch(Item + "/relationships/role")]
    [IntroducedIn(MembershipResources.Introduced)]
    [RequirePermissions(Permissions.OrgUserInvite)]
    public async Task<IActionResult> UpdateRoleRelationship()
    {
        var (organizationId, membershipId, cancellationToken) = Scope(MembershipId);
        var request = ResourceRequest.Read(HttpContext, []);
        var membership = await service.FindAsync(organizationId, membershipId, cancellationToken);
        using var body = await RequestDocumentReader.ParseAsync(Request, cancellationToken);
        var role = MembershipInput.ReadRoleLinkage(body.RootElement);
        membership = await service.UpdateAsync(membership, role, HttpContext.GetApiToken().Permissions, "/data", cancellationToken);
        return Linkage(request, membership, MembershipResources.RoleRelationship, RoleResources.Identifier(membership.RoleId));
    }

    [HttpGet(Item + "/role")]
    [IntroducedIn(MembershipResources.Introduced)]
    [RequirePermissions(Permissions.OrgRead, Permissions.OrgUserRead)]
    public async Task<IActionResult> GetRole()
    {
        var (organizationId, membershipId, cancellationToken) = Scope(MembershipId);
        var request = ResourceRequest.Read(HttpContext, [QueryReader.FieldsFamily]);
        var membership = await service.FindAsync(organizationId, membershipId, cancellationToken);
        var role = await organizations.FindRoleAsync(organizationId, membership.RoleId, cancellationToken)
            ?? throw new InvalidOperationException($"Membership {membership.Id} refers to a missing role.");
        return new JsonApiResult(200, new Document { Data = RoleResources.Build(role, request.Links, request.Fields), Links = new Links { Self = request.Self } });
    }

    [HttpGet(Item + "/relationships/organization")]
    [IntroducedIn(MembershipResources.Introduced)]
    [RequirePermissions(Permissions.OrgRead, Permissions.OrgUserRead)]
    public async Task<IActionResult> GetOrganizationRelationship()
    {
        var (organizationId, membershipId, cancellationToken) = Scope(MembershipId);
        var request = ResourceRequest.Read(HttpContext, []);
        var membership = await service.FindAsync(organizationId, membershipId, cancellationToken);
        return Linkage(request, membership, MembershipResources.OrganizationRelationship, OrganizationResources.Identifier(organizationId));
    }

    [HttpGet(Item + "/organization")]
    [IntroducedIn(MembershipResources.Introduced)]
    [RequirePermissions(Permissions.OrgRead, Permissions.OrgUserRead)]
    public async Task<IActionResult> GetOrganization()
    {
        var (organizationId, membershipId, cancellationToken) = Scope(MembershipId);
        var request = ResourceRequest.Read(HttpContext, [QueryReader.FieldsFamily]);
        await service.FindAsync(organizationId, membershipId, cancellationToken);
        var organization = await organizations.BuildResourceAsync(organizationId, request, cancellationToken);
        return new JsonApiResult(200, new Document { Data = organization, Links = new Links { Self = request.Self } });
    }

    [HttpGet(Item + "/relationships/invitation")]
    [IntroducedIn(MembershipResources.Introduced)]
    [RequirePermissions(Permissions.OrgRead, Permissions.OrgUserRead)]
    public async Task<IActionResult> GetInvitationRelationship()
    {
        var (organizationId, membershipId, cancellationToken) = Scope(MembershipId);
        var request = ResourceRequest.Read(HttpContext, []);
        var membership = await service.FindAsync(organizationId, membershipId, cancellationToken);
        var invitation = membership.InvitationId is { } id ? new ResourceIdentifier(InvitationResources.Type, id.ToString("D")) : null;
        return Linkage(request, membership, MembershipResources.InvitationRelationship, invitation);
    }

    [HttpGet(Item + "/invitation")]
    [IntroducedIn(MembershipResources.Introduced)]
    [RequirePermissions(Permissions.OrgRead, Permissions.OrgUserRead)]
    public async Task<IActionResult> GetInvitation()
    {
        var (organizationId, membershipId, cancellationToken) = Scope(MembershipId);
        var request = ResourceRequest.Read(HttpContext, [QueryReader.FieldsFamily]);
        var membership = await service.FindAsync(organizationId, membershipId, cancellationToken);
        var contract = InvitationContracts.For(request.Version.Served);
        var now = clock.GetUtcNow();
        var invitation = membership.InvitationId is { } id
            ? await invitations.FindAsync(organizationId, id, new InvitationFilter(contract.VisibleStatuses, null, now), cancellationToken)
            : null;
        return new JsonApiResult(200, new Document
        {
            Data = invitation is null ? null : new InvitationResources(contract, request.Links, now, request.Fields).Build(invitation),
            Links = new Links { Self = request.Self },
        });
    }

    private static JsonApiResult Linkage(ResourceRequest request, Membership membership, string relationship, ResourceIdentifier? data) =>
        new(200, request.Links.LinkageDocument(MembershipResources.SelfPath(membership.OrganizationId, membership.Id), relationship, data));

    /// <param name="self">The top-level self link: the request's own URL for a GET, else (writes) the resource's link.</param>
    private async Task<JsonApiResult> SingleAsync(ResourceRequest request, Membership membership, string? self, CancellationToken cancellationToken)
    {
        var resource = MembershipResources.Build(membership, request.Links, request.Fields);
        return new JsonApiResult(200, new Document
        {
            Data = resource,
            Included = await IncludedAsync(request, membership.OrganizationId, [membership], cancellationToken),
            Links = new Links { Self = self ?? resource.SelfLink },
        });
    }

    /// <summary><c>included</c>: null when not asked, else the distinct roles of the members when <c>role</c> is asked.</summary>
    private async Task<List<IResource>?> IncludedAsync(ResourceRequest request, Guid organizationId, IReadOnlyList<Membership> items, CancellationToken cancellationToken)
    {
        if (request.Includes is null)
        {
            return null;
        }

        if (!request.Includes.Contains(MembershipResources.RoleRelationship) || items.Count == 0)
        {
            return [];
        }

        var wanted = items.Select(m => m.RoleId).ToHashSet();
        var roles = await organizations.GetRolesAsync(organizationId, cancellationToken);
        return [.. roles.Where(r => wanted.Contains(r.Id)).Select(r => (IResource)RoleResources.Build(r, request.Links, request.Fields))];
    }
}
