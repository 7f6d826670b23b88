using JsonApiInvites.Api.Auth;
using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Api.Versioning;
using JsonApiInvites.Domain.Organizations;
using Microsoft.AspNetCore.Mvc;

namespace JsonApiInvites.Api.Roles;

/// <summary>The organization's roles: few (the four defaults), so the collection is one unpaginated page.</summary>
[ApiController]
[Route("orgs/{org_id}/roles")]
public sealed class RolesController(IOrganizationRepository organizations) : ControllerBase
{
    private static readonly string[] KnownParameters = [QueryReader.FieldsFamily];

    [HttpGet]
    [RequirePermissions(Permissions.OrgRead)]
    public async Task<IActionResult> List([FromRoute(Name = "org_id")] Guid organizationId, CancellationToken cancellationToken)
    {
        var (links, fields) = ReadRequest();
        var roles = await organizations.GetRolesAsync(organizationId, cancellationToken);
        return new JsonApiResult(200, new Document
        {
            Data = roles.Select(r => RoleResources.Build(r, links, fields)).ToList(),
            Links = new Links { Self = links.To($"/orgs/{organizationId:D}/roles") },
        });
    }

    [HttpGet("{role_id}")]
    [RequirePermissions(Permissions.OrgRead)]
    public async Task<IActionResult> Get([FromRoute(Name = "org_id")] Guid organizationId, [FromRoute(Name = "role_id")] string roleId, CancellationToken cancellationToken)
    {
        var (links, fields) = ReadRequest();
        var role = (Guid.TryParse(roleId, out var id) ? await organizations.FindRoleAsync(organizationId, id, cancellationToken) : null)
            ?? throw new JsonApiException(Errors.NotFound($"Role '{roleId}' was not found."));
        var resource = RoleResources.Build(role, links, fields);
        return new JsonApiResult(200, new Document { Data = resource, Links = new Links { Self = resource.Links.Self } });
    }

    private (LinkBuilder Links, Fieldsets Fields) ReadRequest()
    {
        var query = QueryReader.Check(Request.Query, KnownParameters);
        var fields = query.Fields(new Dictionary<string, IReadOnlyList<string>> { [RoleResources.Type] = RoleResources.Fields });
        return (new LinkBuilder(HttpContext.GetApiVersion().Requested.ToString()), fields);
    }
}
