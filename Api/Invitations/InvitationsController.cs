using JsonApiInvites.Api.Auth;
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

namespace JsonApiInvites.Api.Invitations;

[ApiController]
[Route("orgs/{" + RequirePermissionsAttribute.OrganizationRouteKey + "}/invites")]
public sealed class InvitationsController(InvitationService service, IInvitationRepository invitations, IOrganizationRepository organizations, TimeProvider clock) : OrganizationControllerBase
{
    private const string InviteId = "invite_id";
    private const string Item = "{" + InviteId + "}";
    private static readonly IReadOnlySet<string> IncludePaths = new HashSet<string> { InvitationResources.RoleRelationship };
    private static readonly string[] ReadParameters = [QueryReader.Include, QueryReader.FieldsFamily];

    [HttpPost]
    [RequirePermissions(Permissions.OrgUserInvite)]
    public async Task<IActionResult> Create()
    {
        var (organizationId, cancellationToken) = Scope();
        var request = ReadRequest(ReadParameters);
        using var body = await RequestDocumentReader.ParseAsync(Request, cancellationToken);
        var input = InvitationInput.ReadCreate(RequestDocumentReader.ReadForCreate(body.RootElement, InvitationResources.Type), request.Contract);
        var (invitation, role) = await service.CreateAsync(organizationId, input, HttpContext.GetApiToken().Permissions, cancellationToken);

        var resource = request.Resources.Build(invitation);
        return new JsonApiResult(201, new Document
        {
            Data = resource,
            Included = await IncludedAsync(request, () => Task.FromResult<IReadOnlyList<Role>>([role])),
            Links = new Links { Self = resource.SelfLink },
        }, location: resource.SelfLink);
    }

    [HttpGet]
    [RequirePermissions(Permissions.OrgRead, Permissions.OrgUserRead)]
    public async Task<IActionResult> List()
    {
        var (organizationId, cancellationToken) = Scope();
        var request = ReadRequest([.. ReadParameters, .. Pagination.Parameters], withFilters: true);
        var pageRequest = Pagination.Read(request.Query);
        var page = await invitations.ListAsync(organizationId, request.Filter, pageRequest, cancellationToken);

        var included = await IncludedAsync(request, () => RolesOf(organizationId, page.Items, cancellationToken));
        return new JsonApiResult(200, new Document
        {
            Data = page.Items.Select(request.Resources.Build).ToList(),
            Included = included,
            Links = Pagination.LinksFor(InvitationResources.CollectionPath(organizationId), Request.Query, request.Links, pageRequest, page, i => new ListPosition(i.CreatedAt, i.Id)),
        });
    }

    [HttpGet(Item)]
    [RequirePermissions(Permissions.OrgRead, Permissions.OrgUserRead)]
    public async Task<IActionResult> Get()
    {
        var (organizationId, invitationId, cancellationToken) = Scope(InviteId);
        var request = ReadRequest(ReadParameters);
        var invitation = await service.FindAsync(organizationId, invitationId, request.Filter, cancellationToken);
        return await SingleAsync(200, request, invitation, cancellationToken, self: request.Resource.Self);
    }

    [HttpGet(Item + "/relationships/role")]
    [RequirePermissions(Permissions.OrgRead, Permissions.OrgUserRead)]
    public async Task<IActionResult> GetRoleRelationship()
    {
        var (organizationId, invitationId, cancellationToken) = Scope(InviteId);
        var request = ReadRequest([]);
        var invitation = await service.FindAsync(organizationId, invitationId, request.Filter, cancellationToken);
        return RoleLinkage(request, invitation);
    }

    [HttpGet(Item + "/role")]
    [RequirePermissions(Permissions.OrgRead, Permissions.OrgUserRead)]
    public async Task<IActionResult> GetRole()
    {
        var (organizationId, invitationId, cancellationToken) = Scope(InviteId);
        var request = ReadRequest([QueryReader.FieldsFamily]);
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
        var request = ReadRequest([]);
        var invitation = await service.FindAsync(organizationId, invitationId, request.Filter, cancellationToken);
        return new JsonApiResult(200, request.Links.LinkageDocument(
            InvitationResources.SelfPath(organizationId, invitation.Id), InvitationResources.OrganizationRelationship, OrganizationResources.Identifier(organizationId)));
    }

    [HttpGet(Item + "/organization")]
    [RequirePermissions(Permissions.OrgRead, Permissions.OrgUserRead)]
    public async Task<IActionResult> GetOrganization()
    {
        var (organizationId, invitationId, cancellationToken) = Scope(InviteId);
        var request = ReadRequest([QueryReader.FieldsFamily]);
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
        var request = ReadRequest([]);
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
        var request = ReadRequest([QueryReader.FieldsFamily]);
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
        var request = ReadRequest(ReadParameters);
        var invitation = await service.FindAsync(organizationId, invitationId, request.Filter, cancellationToken);
        using var body = await RequestDocumentReader.ParseAsync(Request, cancellationToken);
        var role = InvitationInput.ReadUpdate(RequestDocumentReader.ReadForUpdate(body.RootElement, InvitationResources.Type, invitation.Id.ToString("D")), request.Contract);
        invitation = await service.UpdateAsync(invitation, role, HttpContext.GetApiToken().Permissions, InvitationInput.RolePointer, cancellationToken);
        return await SingleAsync(200, request, invitation, cancellationToken);
    }

    /// <summary>JSON:API 1.1 §9.3: the role relationship's self link takes a PATCH of its linkage, as PATCH of the invitation does.</summary>
    [HttpPatch(Item + "/relationships/role")]
    [IntroducedIn("2024-10-15~beta")]
    [RequirePermissions(Permissions.OrgUserInvite)]
    public async Task<IActionResult> UpdateRoleRelationship()
    {
        var (organizationId, invitationId, cancellationToken) = Scope(InviteId);
        var request = ReadRequest([]);
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
        var request = ReadRequest(ReadParameters);
        var invitation = await service.FindAsync(organizationId, invitationId, request.Filter, cancellationToken);
        if (Request.ContentLength > 0 || Request.Headers.TransferEncoding.Count > 0)
        {
            throw new JsonApiException(Errors.InvalidDocument("", "Resend takes no request document; send an empty body."));
        }

        var resent = await service.ResendAsync(invitation, cancellationToken);
        return await SingleAsync(202, request, resent, cancellationToken);
    }

    [HttpDelete(Item)]
    [RequirePermissions(Permissions.OrgUserInvite)]
    public async Task<IActionResult> Cancel()
    {
        var (organizationId, invitationId, cancellationToken) = Scope(InviteId);
        var request = ReadRequest([]);
        var invitation = await service.FindAsync(organizationId, invitationId, request.Filter, cancellationToken);
        await service.CancelAsync(invitation, invitationId, cancellationToken);
        return NoContent();
    }

    /// <summary>A request to this controller: the generic resource request plus the served version's <c>site_invitation</c> contract.</summary>
    private sealed record RequestContext(ResourceRequest Resource, InvitationContract Contract, InvitationResources Resources, InvitationFilter Filter)
    {
        public QueryReader Query => Resource.Query;

        public IReadOnlySet<string>? Includes => Resource.Includes;

        public Fieldsets Fields => Resource.Fields;

        public LinkBuilder Links => Resource.Links;
    }

    /// <param name="withFilters">True for the list: the served version's <c>filter[...]</c> parameters are known and applied.</param>
    private RequestContext ReadRequest(IReadOnlyCollection<string> knownParameters, bool withFilters = false)
    {
        var contract = InvitationContracts.For(HttpContext.GetApiVersion().Served);
        var resource = ResourceRequest.Read(this, withFilters ? [.. knownParameters, .. contract.Filters] : knownParameters, IncludePaths);
        var now = clock.GetUtcNow();
        var filter = withFilters ? ListFilters.Read(resource.Query, contract, now) : new InvitationFilter(contract.VisibleStatuses, null, now);
        return new RequestContext(resource, contract, new InvitationResources(contract, resource.Links, now, resource.Fields), filter);
    }

    private static JsonApiResult RoleLinkage(RequestContext request, Invitation invitation) =>
        new(200, request.Links.LinkageDocument(
            InvitationResources.SelfPath(invitation.OrganizationId, invitation.Id), InvitationResources.RoleRelationship, RoleResources.Identifier(invitation.RoleId)));

    /// <summary>A document with one invitation (and its role when <c>include=role</c>).</summary>
    /// <param name="self">The top-level self link: the request's own URL for a GET, else (writes) the resource's link.</param>
    private async Task<JsonApiResult> SingleAsync(int status, RequestContext request, Invitation invitation, CancellationToken cancellationToken, string? self = null)
    {
        var resource = request.Resources.Build(invitation);
        var included = await IncludedAsync(request, () => RolesOf(invitation.OrganizationId, [invitation], cancellationToken));
        return new JsonApiResult(status, new Document { Data = resource, Included = included, Links = new Links { Self = self ?? resource.SelfLink } });
    }

    private async Task<IReadOnlyList<Role>> RolesOf(Guid organizationId, IReadOnlyList<Invitation> items, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return [];
        }

        // One query for the organization's roles (a handful), never one per invitation.
        var wanted = items.Select(i => i.RoleId).ToHashSet();
        var roles = await organizations.GetRolesAsync(organizationId, cancellationToken);
        return [.. roles.Where(r => wanted.Contains(r.Id))];
    }

    /// <summary><c>included</c>: null when not asked, else the distinct roles when <c>role</c> is asked (loaded only then).</summary>
    private static async Task<List<IResource>?> IncludedAsync(RequestContext request, Func<Task<IReadOnlyList<Role>>> roles) =>
        request.Includes is null ? null
        : !request.Includes.Contains(InvitationResources.RoleRelationship) ? []
        : [.. (await roles()).DistinctBy(r => r.Id).Select(r => RoleResources.Build(r, request.Links, request.Fields))];
}
