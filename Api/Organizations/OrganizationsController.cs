using JsonApiInvites.Api.Auth;
using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Api.Resources;
using JsonApiInvites.Domain.Organizations;
using Microsoft.AspNetCore.Mvc;

namespace JsonApiInvites.Api.Organizations;

/// <summary>The token's own organization: the target of every <c>organization</c> relationship's related link.</summary>
[ApiController]
[Route("orgs/{org_id}")]
public sealed class OrganizationsController(IOrganizationRepository organizations) : ControllerBase
{
    [HttpGet]
    [RequirePermissions(Permissions.OrgRead)]
    public async Task<IActionResult> Get([FromRoute(Name = "org_id")] Guid organizationId, CancellationToken cancellationToken)
    {
        var request = ResourceRequest.Read(HttpContext, [QueryReader.FieldsFamily]);
        var resource = await organizations.BuildResourceAsync(organizationId, request, cancellationToken);
        return new JsonApiResult(200, new Document { Data = resource, Links = new Links { Self = request.Self } });
    }
}

public static class OrganizationRepositoryExtensions
{
    /// <summary>The <c>organization</c> resource of an organization the request was authorized for.</summary>
    public static async Task<ResourceObject> BuildResourceAsync(this IOrganizationRepository organizations, Guid organizationId, ResourceRequest request, CancellationToken cancellationToken)
    {
        // The permission filter matched the token to this organization, so it exists.
        var organization = await organizations.FindAsync(organizationId, cancellationToken)
            ?? throw new InvalidOperationException($"Organization {organizationId} of an authenticated token is missing.");
        return OrganizationResources.Build(organization, request.Links, request.Fields);
    }
}
