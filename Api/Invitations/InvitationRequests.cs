using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Api.Resources;
using JsonApiInvites.Api.Roles;
using JsonApiInvites.Api.Versioning;
using JsonApiInvites.Domain.Invitations;
using JsonApiInvites.Domain.Organizations;

namespace JsonApiInvites.Api.Invitations;

/// <summary>A request to an invitation route: the generic resource request plus the served version's <c>site_invitation</c> contract.</summary>
public sealed record InvitationRequest(ResourceRequest Resource, InvitationContract Contract, InvitationResources Resources, InvitationFilter Filter)
{
    public QueryReader Query => Resource.Query;

    public IReadOnlySet<string>? Includes => Resource.Includes;

    public Fieldsets Fields => Resource.Fields;

    public LinkBuilder Links => Resource.Links;
}

/// <summary>
/// How the invitation routes read their request and answer with invitations: shared by
/// <see cref="InvitationsController"/> and the route served without MVC (<see cref="InvitationEndpoints"/>).
/// </summary>
public sealed class InvitationRequests(IOrganizationRepository organizations, TimeProvider clock)
{
    public static readonly IReadOnlySet<string> IncludePaths = new HashSet<string> { InvitationResources.RoleRelationship };

    /// <summary>The query parameters of a route that answers with invitations.</summary>
    public static IReadOnlyList<string> ReadParameters { get; } = [QueryReader.Include, QueryReader.FieldsFamily];

    /// <param name="knownParameters">The query parameters the route accepts besides <c>version</c>.</param>
    /// <param name="withFilters">True for the list: the served version's <c>filter[...]</c> parameters are known and applied.</param>
    public InvitationRequest Read(HttpContext context, IReadOnlyCollection<string> knownParameters, bool withFilters = false)
    {
        var contract = InvitationContracts.For(context.GetApiVersion().Served);
        var resource = ResourceRequest.Read(context, withFilters ? [.. knownParameters, .. contract.Filters] : knownParameters, IncludePaths);
        var now = clock.GetUtcNow();
        var filter = withFilters ? ListFilters.Read(resource.Query, contract, now) : new InvitationFilter(contract.VisibleStatuses, null, now);
        return new InvitationRequest(resource, contract, new InvitationResources(contract, resource.Links, now, resource.Fields), filter);
    }

    /// <summary>A document with one invitation (and its role when <c>include=role</c>).</summary>
    /// <param name="self">The top-level self link: the request's own URL for a GET, else (writes) the resource's link.</param>
    public async Task<JsonApiResult> SingleAsync(int status, InvitationRequest request, Invitation invitation, CancellationToken cancellationToken, string? self = null)
    {
        var resource = request.Resources.Build(invitation);
        var included = await IncludedAsync(request, () => RolesOf(invitation.OrganizationId, [invitation], cancellationToken));
        return new JsonApiResult(status, new Document { Data = resource, Included = included, Links = new Links { Self = self ?? resource.SelfLink } });
    }

    /// <summary>The roles of <paramref name="items"/>: one query for the organization's roles (a handful), never one per invitation.</summary>
    public async Task<IReadOnlyList<Role>> RolesOf(Guid organizationId, IReadOnlyList<Invitation> items, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return [];
        }

        var wanted = items.Select(i => i.RoleId).ToHashSet();
        var roles = await organizations.GetRolesAsync(organizationId, cancellationToken);
        return [.. roles.Where(r => wanted.Contains(r.Id))];
    }

    /// <summary><c>included</c>: null when not asked, else the distinct roles when <c>role</c> is asked (loaded only then).</summary>
    public static async Task<List<IResource>?> IncludedAsync(InvitationRequest request, Func<Task<IReadOnlyList<Role>>> roles) =>
        request.Includes is null ? null
        : !request.Includes.Contains(InvitationResources.RoleRelationship) ? []
        : [.. (await roles()).DistinctBy(r => r.Id).Select(r => RoleResources.Build(r, request.Links, request.Fields))];
}
