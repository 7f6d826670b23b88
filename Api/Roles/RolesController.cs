using JsonApiInvites.Api.Auth;
using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Api.Organizations;
using JsonApiInvites.Api.Resources;
using JsonApiInvites.Domain.Organizations;
using Microsoft.AspNetCore.Mvc;

namespace JsonApiInvites.Api.Roles;

/// <summary>The organization's roles: few (the four defaults), so the collection is one unpaginated page.</summary>
[ApiController]
[Route("orgs/{org_id}/roles")]
public sealed class RolesController(IOrganizationRepository organizations) : ControllerBase
{
    // 'include' is understood so that any path gets the spec's 400 naming the parameter: roles have no include paths.
    private static readonly string[] ReadParameters = [QueryReader.Include, QueryReader.FieldsFamily];

    [HttpGet]
    [RequirePermissions(Permissions.OrgRead)]
    public async Task<IActionResult> List([FromRoute(Name = "org_id")] Guid organizationId, CancellationToken cancellationToken)
    {
        var request = ResourceRequest.Read(HttpContext, ReadParameters);
        var roles = await organizations.GetRolesAsync(organizationId, cancellationToken);
        return new JsonApiResult(200, new Document
        {
            Data = roles.Select(r => RoleResources.Build(r, request.Links, request.Fields)).ToList(),
            Included = request.Includes is null ? null : [],
            Links = new Links { Self = request.Self },
        });
    }

    [HttpGet("{role_id}")]
    [RequirePermissions(Permissions.OrgRead)]
    public async Task<IActionResult> Get([FromRoute(Name = "org_id")] Guid organizationId, [FromRoute(Name = "role_id")] string roleId, CancellationToken cancellationToken)
    {
        var request = ResourceRequest.Read(HttpContext, ReadParameters);
        var resource = RoleResources.Build(await FindAsync(organizationId, roleId, cancellationToken), request.Links, request.Fields);
        return new JsonApiResult(200, new Document
        {
            Data = resource,
            Included = request.Includes is null ? null : [],
            Links = new Links { Self = request.Self },
        });
    }

    [HttpGet("{role_id}/relationships/organization")]
    [RequirePermissions(Permissions.OrgRead)]
    public async Task<IActionResult> GetOrganizationRelationship([FromRoute(Name = "org_id")] Guid organizationId, [FromRoute(Name = "role_id")] string roleId, CancellationToken cancellationToken)
    {
        var request = ResourceRequest.Read(HttpContext, []);
        var role = await FindAsync(organizationId, roleId, cancellationToken);
        return new JsonApiResult(200, request.Links.LinkageDocument(
            RoleResources.SelfPath(organizationId, role.Id), RoleResources.OrganizationRelationship, OrganizationResources.Identifier(organizationId)));
    }

    [HttpGet("{role_id}/organization")]
    [RequirePermissions(Permissions.OrgRead)]
    public async Task<IActionResult> GetOrganization([FromRoute(Name = "org_id")] Guid organizationId, [FromRoute(Name = "role_id")] string roleId, CancellationToken cancellationToken)
    {
        var request = ResourceRequest.Read(HttpContext, [QueryReader.FieldsFamily]);
        await FindAsync(organizationId, roleId, cancellationToken); // 404 unless the role is in the organization.
        var organization = await organizations.BuildResourceAsync(organizationId, request, cancellationToken);
        return new JsonApiResult(200, new Document { Data = organization, Links = new Links { Self = request.Self } });
    }

    private async Task<Role> FindAsync(Guid organizationId, string roleId, CancellationToken cancellationToken) =>
        (Guid.TryParse(roleId, out var id) ? await organizations.FindRoleAsync(organizationId, id, cancellationToken) : null)
        ?? throw new JsonApiException(Errors.NotFound($"Role '{roleId}' was not found."));
}
