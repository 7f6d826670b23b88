using System.Text.Json;
using JsonApiInvites.Api.Auth;
using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Api.Organizations;
using JsonApiInvites.Api.Resources;
using JsonApiInvites.Api.Roles;
using JsonApiInvites.Api.Versioning;
using JsonApiInvites.Domain.Invitations;
using JsonApiInvites.Domain.Organizations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace JsonApiInvites.Api.Invitations;

[ApiController]
[Route("orgs/{org_id}/invites")]
public sealed class InvitationsController(
    IInvitationRepository invitations,
    IOrganizationRepository organizations,
    TimeProvider clock,
    IOptions<InvitationOptions> options,
    Email.OutboxDispatcher emails) : ControllerBase
{
    private static readonly IReadOnlySet<string> IncludePaths = new HashSet<string> { InvitationResources.RoleRelationship };
    private static readonly string[] ReadParameters = [QueryReader.Include, QueryReader.FieldsFamily];

    [HttpPost]
    [RequirePermissions(Permissions.OrgUserInvite)]
    public async Task<IActionResult> Create([FromRoute(Name = "org_id")] Guid organizationId, CancellationToken cancellationToken)
    {
        var request = ReadRequest(ReadParameters);
        using var body = await RequestDocumentReader.ParseAsync(Request, cancellationToken);
        var input = RequestDocumentReader.ReadForCreate(body.RootElement, InvitationResources.Type);
        var (email, roleIdentifier, sendEmail) = ReadCreate(input, request.Contract);
        var role = await GrantableRoleAsync(organizationId, roleIdentifier, "invite into", cancellationToken);

        var invitation = Invitation.CreatePending(organizationId, email, role.Id, clock.GetUtcNow(), TimeSpan.FromDays(options.Value.ExpiryDays));
        try
        {
            invitation = await invitations.CreateAsync(invitation, sendEmail, cancellationToken);
        }
        catch (InvitationAlreadyExistsException exception)
        {
            throw new JsonApiException(Errors.AlreadyExists(exception.Message));
        }

        if (sendEmail)
        {
            emails.Notify();
        }

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
    public async Task<IActionResult> List([FromRoute(Name = "org_id")] Guid organizationId, CancellationToken cancellationToken)
    {
        var request = ReadRequest([.. ReadParameters, .. Pagination.Parameters], withFilters: true);
        var pageRequest = Pagination.Read(request.Query);
        var page = await invitations.ListAsync(organizationId, request.Filter, pageRequest, cancellationToken);

        var included = await IncludedAsync(request, () => RolesOf(organizationId, page.Items, cancellationToken));
        return new JsonApiResult(200, new Document
        {
            Data = page.Items.Select(request.Resources.Build).ToList(),
            Included = included,
            Links = Pagination.LinksFor(InvitationResources.CollectionPath(organizationId), Request.Query, request.Links, pageRequest, page),
        });
    }

    [HttpGet("{invite_id}")]
    [RequirePermissions(Permissions.OrgRead, Permissions.OrgUserRead)]
    public async Task<IActionResult> Get([FromRoute(Name = "org_id")] Guid organizationId, [FromRoute(Name = "invite_id")] string invitationId, CancellationToken cancellationToken)
    {
        var request = ReadRequest(ReadParameters);
        var invitation = await FindAsync(organizationId, invitationId, request.Filter, cancellationToken);
        return await SingleAsync(200, request, invitation, cancellationToken, self: request.Resource.Self);
    }

    [HttpGet("{invite_id}/relationships/role")]
    [RequirePermissions(Permissions.OrgRead, Permissions.OrgUserRead)]
    public async Task<IActionResult> GetRoleRelationship([FromRoute(Name = "org_id")] Guid organizationId, [FromRoute(Name = "invite_id")] string invitationId, CancellationToken cancellationToken)
    {
        var request = ReadRequest([]);
        var invitation = await FindAsync(organizationId, invitationId, request.Filter, cancellationToken);
        return new JsonApiResult(200, request.Links.LinkageDocument(
            InvitationResources.SelfPath(organizationId, invitation.Id), InvitationResources.RoleRelationship, RoleResources.Identifier(invitation.RoleId)));
    }

    [HttpGet("{invite_id}/role")]
    [RequirePermissions(Permissions.OrgRead, Permissions.OrgUserRead)]
    public async Task<IActionResult> GetRole([FromRoute(Name = "org_id")] Guid organizationId, [FromRoute(Name = "invite_id")] string invitationId, CancellationToken cancellationToken)
    {
        var request = ReadRequest([QueryReader.FieldsFamily]);
        var invitation = await FindAsync(organizationId, invitationId, request.Filter, cancellationToken);
        var role = await organizations.FindRoleAsync(organizationId, invitation.RoleId, cancellationToken)
            ?? throw new InvalidOperationException($"Invitation {invitation.Id} refers to a missing role.");
        return new JsonApiResult(200, new Document { Data = RoleResources.Build(role, request.Links, request.Fields), Links = new Links { Self = request.Resource.Self } });
    }

    [HttpGet("{invite_id}/relationships/organization")]
    [RequirePermissions(Permissions.OrgRead, Permissions.OrgUserRead)]
    public async Task<IActionResult> GetOrganizationRelationship([FromRoute(Name = "org_id")] Guid organizationId, [FromRoute(Name = "invite_id")] string invitationId, CancellationToken cancellationToken)
    {
        var request = ReadRequest([]);
        var invitation = await FindAsync(organizationId, invitationId, request.Filter, cancellationToken);
        return new JsonApiResult(200, request.Links.LinkageDocument(
            InvitationResources.SelfPath(organizationId, invitation.Id), InvitationResources.OrganizationRelationship, OrganizationResources.Identifier(organizationId)));
    }

    [HttpGet("{invite_id}/organization")]
    [RequirePermissions(Permissions.OrgRead, Permissions.OrgUserRead)]
    public async Task<IActionResult> GetOrganization([FromRoute(Name = "org_id")] Guid organizationId, [FromRoute(Name = "invite_id")] string invitationId, CancellationToken cancellationToken)
    {
        var request = ReadRequest([QueryReader.FieldsFamily]);
        var invitation = await FindAsync(organizationId, invitationId, request.Filter, cancellationToken);
        var organization = await organizations.BuildResourceAsync(organizationId, request.Resource, cancellationToken);
        return new JsonApiResult(200, new Document { Data = organization, Links = new Links { Self = request.Resource.Self } });
    }

    [HttpPatch("{invite_id}")]
    [IntroducedIn("2024-10-15~beta")]
    [RequirePermissions(Permissions.OrgUserInvite)]
    public async Task<IActionResult> Update([FromRoute(Name = "org_id")] Guid organizationId, [FromRoute(Name = "invite_id")] string invitationId, CancellationToken cancellationToken)
    {
        var request = ReadRequest(ReadParameters);
        var invitation = await FindAsync(organizationId, invitationId, request.Filter, cancellationToken);
        using var body = await RequestDocumentReader.ParseAsync(Request, cancellationToken);
        var input = RequestDocumentReader.ReadForUpdate(body.RootElement, InvitationResources.Type, invitation.Id.ToString("D"));
        var roleIdentifier = ReadUpdate(input, request.Contract);
        EnsureOpen(invitation, "changed");

        if (roleIdentifier is not null)
        {
            invitation = await ChangeRoleAsync(invitation, await GrantableRoleAsync(organizationId, roleIdentifier, "change an invitation to", cancellationToken), cancellationToken);
        }

        return await SingleAsync(200, request, invitation, cancellationToken);
    }

    /// <summary>JSON:API 1.1 §9.3: the role relationship's self link takes a PATCH of its linkage, as PATCH of the invitation does.</summary>
    [HttpPatch("{invite_id}/relationships/role")]
    [IntroducedIn("2024-10-15~beta")]
    [RequirePermissions(Permissions.OrgUserInvite)]
    public async Task<IActionResult> UpdateRoleRelationship([FromRoute(Name = "org_id")] Guid organizationId, [FromRoute(Name = "invite_id")] string invitationId, CancellationToken cancellationToken)
    {
        var request = ReadRequest([]);
        var invitation = await FindAsync(organizationId, invitationId, request.Filter, cancellationToken);
        using var body = await RequestDocumentReader.ParseAsync(Request, cancellationToken);
        var identifier = RequestDocumentReader.ReadToOneDocument(body.RootElement)
            ?? throw new JsonApiException(Errors.InvalidValue("/data", "An invitation always has a role; it cannot be emptied."));
        if (identifier.Type != RoleResources.Type)
        {
            throw new JsonApiException(Errors.TypeMismatch("/data/type", identifier.Type, RoleResources.Type));
        }

        EnsureOpen(invitation, "changed");
        var role = await GrantableRoleAsync(organizationId, identifier, "change an invitation to", cancellationToken, rolePointer: "/data");
        invitation = await ChangeRoleAsync(invitation, role, cancellationToken);
        return new JsonApiResult(200, request.Links.LinkageDocument(
            InvitationResources.SelfPath(organizationId, invitation.Id), InvitationResources.RoleRelationship, RoleResources.Identifier(invitation.RoleId)));
    }

    [HttpPost("{invite_id}/resend")]
    [IntroducedIn("2024-10-15~beta")]
    [RequirePermissions(Permissions.OrgUserInvite)]
    public async Task<IActionResult> Resend([FromRoute(Name = "org_id")] Guid organizationId, [FromRoute(Name = "invite_id")] string invitationId, CancellationToken cancellationToken)
    {
        var request = ReadRequest(ReadParameters);
        var invitation = await FindAsync(organizationId, invitationId, request.Filter, cancellationToken);
        if (Request.ContentLength > 0 || Request.Headers.TransferEncoding.Count > 0)
        {
            throw new JsonApiException(Errors.InvalidDocument("", "Resend takes no request document; send an empty body."));
        }

        EnsureOpen(invitation, "resent");
        var resent = invitation.Resend(clock.GetUtcNow(), TimeSpan.FromDays(options.Value.ExpiryDays));
        try
        {
            if (!await invitations.ResendAsync(resent, cancellationToken))
            {
                throw new JsonApiException(Errors.InvalidState("The invitation was answered or cancelled meanwhile and can no longer be resent."));
            }
        }
        catch (InvitationAlreadyExistsException exception)
        {
            throw new JsonApiException(Errors.AlreadyExists(exception.Message) with { Source = null });
        }

        emails.Notify();
        return await SingleAsync(202, request, resent, cancellationToken);
    }

    [HttpDelete("{invite_id}")]
    [RequirePermissions(Permissions.OrgUserInvite)]
    public async Task<IActionResult> Cancel([FromRoute(Name = "org_id")] Guid organizationId, [FromRoute(Name = "invite_id")] string invitationId, CancellationToken cancellationToken)
    {
        var request = ReadRequest([]);
        var invitation = await FindAsync(organizationId, invitationId, request.Filter, cancellationToken);
        switch (invitation.StatusAt(clock.GetUtcNow()))
        {
            case InvitationStatus.Cancelled:
                throw new JsonApiException(Errors.NotFound($"Invitation '{invitationId}' was not found."));
            case InvitationStatus.Accepted:
                throw new JsonApiException(Errors.InvalidState("An accepted invitation cannot be cancelled."));
        }

        if (!await invitations.CancelAsync(organizationId, invitation.Id, clock.GetUtcNow(), cancellationToken))
        {
            // Cancelled or accepted by a concurrent request between the read and the update.
            throw new JsonApiException(Errors.NotFound($"Invitation '{invitationId}' was not found."));
        }

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

    /// <summary>A document with one invitation (and its role when <c>include=role</c>).</summary>
    /// <param name="self">The top-level self link: the request's own URL for a GET, else (writes) the resource's link.</param>
    private async Task<JsonApiResult> SingleAsync(int status, RequestContext request, Invitation invitation, CancellationToken cancellationToken, string? self = null)
    {
        var resource = request.Resources.Build(invitation);
        var included = await IncludedAsync(request, () => RolesOf(invitation.OrganizationId, [invitation], cancellationToken));
        return new JsonApiResult(status, new Document { Data = resource, Included = included, Links = new Links { Self = self ?? resource.SelfLink } });
    }

    private async Task<Invitation> ChangeRoleAsync(Invitation invitation, Role role, CancellationToken cancellationToken)
    {
        if (role.Id == invitation.RoleId)
        {
            return invitation;
        }

        if (!await invitations.ChangeRoleAsync(invitation.OrganizationId, invitation.Id, role.Id, cancellationToken))
        {
            throw new JsonApiException(Errors.InvalidState("The invitation was answered or cancelled meanwhile and can no longer be changed."));
        }

        return invitation with { RoleId = role.Id };
    }

    private static void EnsureOpen(Invitation invitation, string verb)
    {
        if (!invitation.IsOpen)
        {
            var state = invitation.State == InvitationState.Accepted ? "An accepted" : "A cancelled";
            throw new JsonApiException(Errors.InvalidState($"{state} invitation cannot be {verb}."));
        }
    }

    /// <summary>The role a create or update names, which must exist in the organization (404) and be grantable by the token (403).</summary>
    /// <param name="action">What the token would do with the role, for the 403 detail ("invite into", "change an invitation to").</param>
    private async Task<Role> GrantableRoleAsync(Guid organizationId, ResourceIdentifier identifier, string action, CancellationToken cancellationToken, string rolePointer = "/data/relationships/role/data")
    {
        var role = (Guid.TryParse(identifier.Id, out var roleId) ? await organizations.FindRoleAsync(organizationId, roleId, cancellationToken) : null)
            ?? throw new JsonApiException(Errors.NotFound($"Role '{identifier.Id}' was not found in this organization.", ErrorSource.AtPointer(rolePointer)));
        if (!role.IsGrantableBy(HttpContext.GetApiToken().Permissions))
        {
            throw new JsonApiException(new ErrorObject(
                403, "role_not_grantable", "Role not grantable",
                $"The token cannot {action} role '{role.Key}': it does not hold all of that role's permissions.",
                ErrorSource.AtPointer(rolePointer)));
        }

        return role;
    }

    private async Task<Invitation> FindAsync(Guid organizationId, string invitationId, InvitationFilter filter, CancellationToken cancellationToken)
    {
        var invitation = Guid.TryParse(invitationId, out var id)
            ? await invitations.FindAsync(organizationId, id, filter, cancellationToken)
            : null;
        return invitation ?? throw new JsonApiException(Errors.NotFound($"Invitation '{invitationId}' was not found."));
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

    private static (string Email, ResourceIdentifier Role, bool SendEmail) ReadCreate(ResourceInput input, InvitationContract contract)
    {
        CheckAttributes(input, contract.CreateAttributes, contract);

        const string emailPointer = "/data/attributes/email";
        if (!input.Attributes.TryGetValue("email", out var emailElement))
        {
            throw new JsonApiException(Errors.InvalidValue(emailPointer, "'email' is required."));
        }

        if (emailElement.ValueKind != JsonValueKind.String)
        {
            throw new JsonApiException(Errors.InvalidDocument(emailPointer, "'email' must be a string."));
        }

        var email = EmailAddress.Normalize(emailElement.GetString()!);
        if (EmailAddress.Validate(email) is { } problem)
        {
            throw new JsonApiException(Errors.InvalidValue(emailPointer, problem));
        }

        var sendEmail = true;
        if (input.Attributes.TryGetValue(InvitationContracts.SendEmail, out var sendEmailElement))
        {
            sendEmail = sendEmailElement.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new JsonApiException(Errors.InvalidDocument("/data/attributes/send_email", "'send_email' must be true or false.")),
            };
        }

        var role = ReadRole(input) ?? throw new JsonApiException(Errors.InvalidValue("/data/relationships/role", "The 'role' relationship is required."));
        return (email, role, sendEmail);
    }

    /// <summary>An update may change the role only; every attribute is read-only. Null when the role is not given.</summary>
    private static ResourceIdentifier? ReadUpdate(ResourceInput input, InvitationContract contract)
    {
        CheckAttributes(input, [], contract);
        return ReadRole(input);
    }

    private static void CheckAttributes(ResourceInput input, IReadOnlyList<string> writable, InvitationContract contract)
    {
        foreach (var name in input.Attributes.Keys.Where(n => !writable.Contains(n)))
        {
            // JSON:API 1.1 §9: an unsupported update of a field is a 403; a name the version does not have is a bad document.
            var pointer = "/data/attributes/" + RequestDocumentReader.Escape(name);
            throw new JsonApiException(contract.Shows(name)
                ? Errors.ReadOnly(pointer, $"'{name}' is read-only.")
                : Errors.InvalidDocument(pointer, $"'{name}' is not a writable attribute of site_invitation at version {contract.Version}."));
        }
    }

    /// <summary>The <c>role</c> relationship of a request resource, null when absent; any other relationship is refused.</summary>
    private static ResourceIdentifier? ReadRole(ResourceInput input)
    {
        foreach (var name in input.Relationships.Keys.Where(n => n != InvitationResources.RoleRelationship))
        {
            var pointer = "/data/relationships/" + RequestDocumentReader.Escape(name);
            throw new JsonApiException(name == InvitationResources.OrganizationRelationship
                ? Errors.ReadOnly(pointer, "'organization' is read-only: an invitation belongs to the organization in the path.")
                : Errors.InvalidDocument(pointer, $"'{name}' is not a relationship of site_invitation."));
        }

        if (!input.Relationships.TryGetValue(InvitationResources.RoleRelationship, out var role))
        {
            return null;
        }

        if (role is null)
        {
            throw new JsonApiException(Errors.InvalidValue("/data/relationships/role/data", "The 'role' relationship must not be empty."));
        }

        if (role.Type != RoleResources.Type)
        {
            throw new JsonApiException(Errors.TypeMismatch("/data/relationships/role/data/type", role.Type, RoleResources.Type));
        }

        return role;
    }
}
